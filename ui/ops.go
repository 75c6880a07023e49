package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/forms"
	"flashtop/ui/panels"
)

// The dashboard's side of the operation table (redisops.Spec): a write key
// starts the operation on what the operator sees highlighted, a form asks
// its inputs (Spec.Inputs with a Label), its confirm asks y/n (Spec.Confirm,
// ui/confirm.go) and the command it carries runs Backend.Do.

// opResultMsg is the outcome of a write.
type opResultMsg struct {
	req redisops.Request
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
// (the rule: Model.followBar): an operation on a hold or a queue member on
// the highlighted row of the focused Holds or Queue panel, straight to its
// confirm; the sale operations on the sale under the Sales bar, through a
// form (when the operation has inputs to ask) whose submit opens the
// confirm (every write asks y/n: ui/confirm.go). Refused, with a status
// message, when writes are not armed or nothing is highlighted.
func (m Model) startOp(kind redisops.Kind) (Model, tea.Cmd) {
	if !m.cfg.Arming.Armed {
		m.setStatus(statusErr, "refused: "+m.cfg.Arming.Reason)
		return m, nil
	}
	sp, ok := redisops.SpecOf(kind)
	if !ok {
		return m, nil
	}
	switch sp.Subject {
	case redisops.SubjectHold:
		return m.startOnHold(sp)
	case redisops.SubjectMember:
		return m.startOnMember(sp)
	}
	sale, ok := m.highlightedSale()
	if !ok {
		m.setStatus(statusErr, noSaleHighlighted)
		return m, nil
	}
	req := redisops.Request{Kind: kind, Sale: sale}
	if kind == redisops.KindReclaim && !m.reclaimReady(sale) { // ui/leaks.go
		return m, nil
	}
	fields := formFields(sp)
	if len(fields) == 0 {
		return m.openConfirm(req, m.seen(req)), nil
	}
	m.form = opForm{Form: forms.New(m.formTitle(sp, sale), m.fst, fields...), req: req}
	m.form.SetWidth(dialogWidth(m.width))
	m.mode = modeForm
	return m, nil
}

// opForm is an operation's form and the request it fills: what the form is
// for travels with it, as a confirm carries the command it runs.
type opForm struct {
	forms.Form
	req redisops.Request // the operation and its subject; the form's values fill its inputs (fromForm)
}

// startOnHold asks to run sp (release) on the hold highlighted in the
// focused Holds panel; from any other panel it is refused (the holds' bar is
// not what the operator is looking at).
func (m Model) startOnHold(sp redisops.Spec) (Model, tea.Cmd) {
	if m.focus != pHolds {
		m.setStatus(statusErr, releaseNeedsHolds)
		return m, nil
	}
	h, ok := m.p.holds.SelectedHold()
	if !ok {
		m.setStatus(statusErr, noHoldHighlighted)
		return m, nil
	}
	req := redisops.Request{Kind: sp.Kind, Sale: h.Sale, User: h.User}
	seen := m.seen(req)
	seen.Held = &h.Quantity // the row's units, as highlighted
	return m.openConfirm(req, seen), nil
}

// startOnMember asks to run sp (leave) on the member highlighted in the
// focused Queue panel (the selected sale's queue); from any other panel it
// is refused.
func (m Model) startOnMember(sp redisops.Spec) (Model, tea.Cmd) {
	if m.focus != pQueue {
		m.setStatus(statusErr, leaveNeedsQueue)
		return m, nil
	}
	e, ok := m.p.queue.SelectedEntry()
	if !ok || m.sale == "" {
		m.setStatus(statusErr, noMemberHighlighted)
		return m, nil
	}
	req := redisops.Request{Kind: sp.Kind, Sale: m.sale, User: e.User}
	return m.openConfirm(req, m.seen(req)), nil
}

// formInputs are the inputs of sp the dashboard's form asks, in order.
func formInputs(sp redisops.Spec) []redisops.Input {
	var out []redisops.Input
	for _, in := range sp.Inputs {
		if in.Label != "" {
			out = append(out, in)
		}
	}
	return out
}

// formFields are the form's fields of sp's inputs: an optional one says so
// in its label; a refused value shows as "<label>: <problem>".
func formFields(sp redisops.Spec) []forms.Field {
	var out []forms.Field
	for _, in := range formInputs(sp) {
		label := in.Label
		if in.Optional {
			label += " (optional)"
		}
		out = append(out, forms.Field{Label: label, Hint: in.Hint, Value: in.Default, Validate: func(s string) error {
			var r redisops.Request
			return fieldErr(in.Label, in.Set(&r, s))
		}})
	}
	return out
}

// fieldErr names an input error by the form field's label.
func fieldErr(label string, err error) error {
	var ie *redisops.InputError
	if errors.As(err, &ie) {
		return errors.New(label + ": " + ie.Problem)
	}
	return err
}

// fromForm fills the request from the (valid) form values.
func fromForm(req redisops.Request, v []string) redisops.Request {
	sp, _ := redisops.SpecOf(req.Kind)
	for i, in := range formInputs(sp) {
		if i < len(v) {
			_ = in.Set(&req, v[i]) // the form accepted them
		}
	}
	return req
}

// opTitle is the dashboard's name of an operation ("Restock").
func opTitle(k redisops.Kind) string {
	sp, _ := redisops.SpecOf(k)
	return sp.Title
}

// formTitle names the operation, the sale and the key the form writes (the
// stock key for a hold: the hold key waits for the user). A whole UUID sale
// id fits; the confirm then spells the keys out in full.
func (m Model) formTitle(sp redisops.Spec, sale string) string {
	sch := m.cfg.Backend.Schema()
	k := sch.StockKey(sale)
	if sp.Family == redisops.FamilyQueue {
		k = sch.QueueKey(sale)
	}
	return sp.Title + " · sale " + textsafe.Cut(sale, maxDialogWidth) + " · " +
		textsafe.Cut(k, maxDialogWidth) // the form cuts the line at its width: the key's end goes first
}

// runOp runs a write in a command that captures the request, never the model.
func (m Model) runOp(req redisops.Request) tea.Cmd {
	ctx, b := m.ctx, m.cfg.Backend
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opTimeout)
		defer cancel()
		res, err := b.Do(ctx, req)
		return opResultMsg{req: req, res: res, err: err}
	}
}

// handleOpResultMsg logs the result, shows it and refreshes at once.
func (m Model) handleOpResultMsg(msg opResultMsg) (tea.Model, tea.Cmd) {
	e := panels.LogEntry{At: m.now, Command: msg.req.CommandLine(), Status: msg.res.Status, OK: msg.res.OK}
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

// describe writes a result as its status word and numbers:
// "reserved remaining=9".
func describe(res redisops.Result) string {
	parts := []string{res.Status}
	num := func(name string, v *int64) {
		if v != nil {
			parts = append(parts, fmt.Sprintf("%s=%d", name, *v))
		}
	}
	num("remaining", res.Remaining)
	num("quantity", res.Quantity)
	num("stock", res.Stock)
	num("position", res.Position)
	num("length", res.Length)
	num("units", res.Units)
	num("unverified_units", res.UnverifiedUnits)
	if res.Users != nil {
		users := make([]string, len(res.Users))
		for i, u := range res.Users {
			users[i] = textsafe.String(u)
		}
		parts = append(parts, "users=["+strings.Join(users, ",")+"]")
	}
	return strings.Join(parts, " ")
}

// outcomeUnknown is the command log's status of a write that may have been
// applied (redisops.OutcomeError).
const outcomeUnknown = "outcome unknown"

// errStatus is the command log's status word of a failed write: "outcome
// unknown" when it may have been applied, "" (drawn as "error") otherwise.
func errStatus(err error) string {
	var oe *redisops.OutcomeError
	if errors.As(err, &oe) {
		return outcomeUnknown
	}
	return ""
}

// errText is the sanitized text of a failed write for the command log and
// the status bar. A write whose outcome is unknown leads with what to do
// ("may have been applied: check with `flashtop …`"), the cause after it, so
// that a cut line still says it.
func errText(err error) string {
	var oe *redisops.OutcomeError
	if errors.As(err, &oe) {
		return textsafe.String(oe.Hint() + "; no reply: " + strings.TrimPrefix(oe.Err.Error(), redisops.ErrUnreachable.Error()+": "))
	}
	var ie *redisops.InputError
	if errors.As(err, &ie) { // the request's own field: "sale: must not contain ':', '{' or '}' (…)"
		return textsafe.String(string(ie.Field) + ": " + ie.Problem)
	}
	return textsafe.String(err.Error())
}
