package redisops

import (
	"encoding/json"
	"testing"
)

// A sale's hold outcomes in JSON carry the counts and the conversion rate
// (null before any hold ended), and read back as the counts.
func TestHoldOutcomesJSON(t *testing.T) {
	for _, c := range []struct {
		o    HoldOutcomes
		want string
	}{
		{HoldOutcomes{Converted: 5, Expired: 2}, `{"converted":5,"expired":2,"converted_pct":71.4}`},
		{HoldOutcomes{Converted: 0, Expired: 3}, `{"converted":0,"expired":3,"converted_pct":0}`},
		{HoldOutcomes{Converted: 2, Expired: 1}, `{"converted":2,"expired":1,"converted_pct":66.7}`},
		{HoldOutcomes{}, `{"converted":0,"expired":0,"converted_pct":null}`},
	} {
		b, err := json.Marshal(c.o)
		if err != nil || string(b) != c.want {
			t.Errorf("%+v: %s, %v; want %s", c.o, b, err, c.want)
		}
		var back HoldOutcomes
		if err := json.Unmarshal(b, &back); err != nil || back != c.o {
			t.Errorf("%s read back as %+v, %v", b, back, err)
		}
	}
}
