package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/forms"
	"flashtop/ui/panels"
)

// opKind is a write operation, in the order of keys.KeyMap.WriteBindings.
type opKind int

const (
	opReserve opKind = iota
	opRelease
	opJoin
	opLeave
	opAdmit
	opRestock
	opTake
	opSet
	opReclaim // L: give a sale's leaked units back (ui/leaks.go)
)

// opRequest is one write with every argument resolved; commands capture it.
type opRequest struct {
	kind opKind
	sale string
	user string
	n    int64         // quantity (reserve, restock, take, release), stock (set), count (admit)
	ttl  time.Duration // reserve
	max  *int64        // restock
	key  string        // the key it touches
	// unverified is, for reclaim, the unverified leaked units it leaves.
	unverified int64
}

// opResultMsg is the outcome of a write.
type opResultMsg struct {
	req opRequest
	res redisops.Result
	err error
}

// Refusals of writes that have nothing highlighted to act on.
const (
	noSaleHighlighted   = "no sale highlighted: move the bar in Sales onto one"
	releaseNeedsHolds   = "x releases the hold highlighted in the Holds panel: tab to Holds first"
	leaveNeedsQueue     = "o removes the member highlighted in the Queue panel: tab to Queue first"
	noHoldHighlighted   = "no hold highlighted in the Holds panel"
	noMemberHighlighted = "no queue member highlighted in the Queue panel"
)

// startOp begins operation kind on what the operator sees highlighted
// (the rule: Model.followBar): release and leave on the highlighted row of
// the focused Holds or Queue panel, straight to their confirm; the sale
// writes on the sale under the Sales bar, through a form whose submit opens
// the confirm (every write asks y/n: ui/confirm.go). Refused, with a status
// message, when writes are not armed or nothing is highlighted.
func (m Model) startOp(kind opKind) (Model, tea.Cmd) {
	if !m.cfg.Arming.Armed {
		m.setStatus(statusErr, "refused: "+m.cfg.Arming.Reason)
		return m, nil
	}
	switch kind {
	case opRelease:
		return m.startRelease()
	case opLeave:
		return m.startLeave()
	}
	sale, ok := m.highlightedSale()
	if !ok {
		m.setStatus(statusErr, noSaleHighlighted)
		return m, nil
	}
	req := opRequest{kind: kind, sale: sale}
	if kind == opReclaim {
		if req, ok := m.reclaimRequest(req); ok {
			return m.openConfirm(req), nil
		}
		return m, nil
	}
	m.form = forms.New(m.formTitle(req), m.fst, formFields(kind)...)
	m.form.SetWidth(dialogWidth(m.width))
	m.pending = req
	m.mode = modeForm
	return m, nil
}

// startRelease asks to release the hold highlighted in the focused Holds
// panel; from any other panel it is refused (the holds' bar is not what
// the operator is looking at).
func (m Model) startRelease() (Model, tea.Cmd) {
	if m.focus != pHolds {
		m.setStatus(statusErr, releaseNeedsHolds)
		return m, nil
	}
	h, ok := m.p.holds.SelectedHold()
	if !ok {
		m.setStatus(statusErr, noHoldHighlighted)
		return m, nil
	}
	return m.openConfirm(opRequest{kind: opRelease, sale: h.Sale, user: h.User, n: h.Quantity, key: h.Key}), nil
}

// startLeave asks to remove the member highlighted in the focused Queue
// panel (the selected sale's queue); from any other panel it is refused.
func (m Model) startLeave() (Model, tea.Cmd) {
	if m.focus != pQueue {
		m.setStatus(statusErr, leaveNeedsQueue)
		return m, nil
	}
	e, ok := m.p.queue.SelectedEntry()
	if !ok || m.sale == "" {
		m.setStatus(statusErr, noMemberHighlighted)
		return m, nil
	}
	return m.openConfirm(m.withKey(opRequest{kind: opLeave, sale: m.sale, user: e.User})), nil
}

// withKey fills in the key the request touches, from the schema.
func (m Model) withKey(req opRequest) opRequest {
	sch := m.cfg.Backend.Schema()
	switch req.kind {
	case opReserve, opRelease:
		req.key = sch.HoldKey(req.user, req.sale)
	case opJoin, opLeave, opAdmit:
		req.key = sch.QueueKey(req.sale)
	default:
		req.key = sch.StockKey(req.sale)
	}
	return req
}

// inputCheck adapts a redisops parser into a field validator whose message
// drops the "redisops: bad input: " prefix.
func inputCheck(parse func(string) error) func(string) error {
	return func(s string) error {
		if err := parse(s); err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), redisops.ErrInput.Error()+": "))
		}
		return nil
	}
}

func userField() forms.Field {
	return forms.Field{Label: "user", Hint: "user id", Validate: inputCheck(func(s string) error {
		return redisops.ValidateID("user", s)
	})}
}

func qtyField(label, value string) forms.Field {
	return forms.Field{Label: label, Value: value, Validate: inputCheck(func(s string) error {
		_, err := redisops.ParseQuantity(label, s)
		return err
	})}
}

// formFields are the fields of each operation's form.
func formFields(k opKind) []forms.Field {
	switch k {
	case opReserve:
		ttl := forms.Field{Label: "ttl", Value: "300s", Validate: inputCheck(func(s string) error {
			_, err := redisops.ParseTTL("ttl", s)
			return err
		})}
		return []forms.Field{userField(), qtyField("quantity", "1"), ttl}
	case opJoin:
		return []forms.Field{userField()}
	case opAdmit:
		return []forms.Field{{Label: "count", Value: "10", Validate: inputCheck(func(s string) error {
			_, err := redisops.ParseCount("count", s)
			return err
		})}}
	case opRestock:
		maxField := forms.Field{Label: "max (optional)", Hint: "no maximum", Validate: inputCheck(func(s string) error {
			if s == "" {
				return nil
			}
			_, err := redisops.ParseMax("max", s)
			return err
		})}
		return []forms.Field{qtyField("quantity", ""), maxField}
	case opTake:
		return []forms.Field{qtyField("quantity", "")}
	case opSet:
		return []forms.Field{{Label: "stock", Validate: inputCheck(func(s string) error {
			_, err := redisops.ParseIntIn("stock", s, 0, redisops.MaxStockSet)
			return err
		})}}
	}
	return nil
}

// fromForm fills the request from the (valid) form values.
func fromForm(req opRequest, v []string) opRequest {
	num := func(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
	switch req.kind {
	case opReserve:
		req.user, req.n = v[0], num(v[1])
		req.ttl, _ = redisops.ParseTTL("ttl", v[2])
	case opJoin:
		req.user = v[0]
	case opRestock:
		req.n = num(v[0])
		if v[1] != "" {
			mx := num(v[1])
			req.max = &mx
		}
	default: // admit, take, set: one number
		req.n = num(v[0])
	}
	return req
}

func opName(k opKind) string {
	return [...]string{"Reserve", "Release", "Join queue", "Leave queue", "Admit", "Restock", "Take stock", "Set stock", "Reclaim leaks"}[k]
}

// formTitle names the operation, the sale and the key the form writes (the
// stock key for reserve: the hold key waits for the user). A whole UUID sale
// id fits; the confirm then spells the keys out in full.
func (m Model) formTitle(r opRequest) string {
	sch := m.cfg.Backend.Schema()
	k := sch.StockKey(r.sale)
	if r.kind == opJoin || r.kind == opAdmit {
		k = sch.QueueKey(r.sale)
	}
	return opName(r.kind) + " · sale " + textsafe.Cut(r.sale, maxDialogWidth) + " · " +
		textsafe.Cut(k, maxDialogWidth) // the form cuts the line at its width: the key's end goes first
}

// runOp runs a write in a command that captures the request, never the model.
func (m Model) runOp(req opRequest) tea.Cmd {
	ctx, b := m.ctx, m.cfg.Backend
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opTimeout)
		defer cancel()
		res, err := call(ctx, b, req)
		return opResultMsg{req: req, res: res, err: err}
	}
}

func call(ctx context.Context, b Backend, r opRequest) (redisops.Result, error) {
	switch r.kind {
	case opReserve:
		return b.Reserve(ctx, r.sale, r.user, r.n, r.ttl)
	case opRelease:
		return b.Release(ctx, r.sale, r.user, nil)
	case opJoin:
		return b.Join(ctx, r.sale, r.user)
	case opLeave:
		return b.Leave(ctx, r.sale, r.user)
	case opAdmit:
		return b.Admit(ctx, r.sale, r.n)
	case opRestock:
		return b.Restock(ctx, r.sale, r.n, r.max)
	case opTake:
		return b.Take(ctx, r.sale, r.n)
	case opReclaim:
		return callReclaim(ctx, b, r.sale)
	}
	return b.SetStock(ctx, r.sale, r.n)
}

// handleOpResultMsg logs the result, shows it and refreshes at once.
func (m Model) handleOpResultMsg(msg opResultMsg) (tea.Model, tea.Cmd) {
	e := panels.LogEntry{At: m.now, Command: commandLine(msg.req), Status: msg.res.Status, OK: msg.res.OK}
	switch {
	case msg.err != nil:
		e.Status, e.OK, e.Err = errStatus(msg.err), false, errText(msg.err) // the status bar draws it as is
		m.setStatus(statusErr, e.Command+": "+e.Err)
	case msg.res.OK:
		m.setStatus(statusOK, e.Command+": "+describe(msg.res))
	default:
		m.setStatus(statusErr, e.Command+": refused: "+describe(msg.res))
	}
	debug := m.debugCmd("op %s -> %s %s", e.Command, e.Status, e.Err)
	m.appendLog(e)
	m.pushData()
	return m, tea.Batch(m.requestPoll(), debug)
}
