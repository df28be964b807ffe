package ui_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/ui"
	"github.com/openrcm/openrcm/web"
)

// brokenPatients is the real store with a patient search that fails the
// way a broken database does.
type brokenPatients struct{ *sqldb.DB }

func (brokenPatients) FindPatients(context.Context, rcm.PatientFilter) ([]*rcm.Patient, error) {
	return nil, errors.New(`pq: relation "patient_secret_internal" does not exist`)
}

// TestErrorPagesSpeakToUsers: an internal failure shows a generic page
// with the request id under which the cause was logged; a refused input
// shows the domain message, never its Go form.
func TestErrorPagesSpeakToUsers(t *testing.T) {
	logs := &syncLog{}
	f := newFixtureWith(t, fixtureOptions{
		store:  func(db *sqldb.DB) ui.Store { return brokenPatients{db} },
		logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	b := f.browser(t)
	b.login("bill.biller")

	status, body, resp := b.get("/patients")
	id := resp.Header.Get(web.RequestIDHeader)
	if status != http.StatusInternalServerError || len(id) != 16 {
		t.Fatalf("GET /patients with a broken store: %d, request id %q", status, id)
	}
	if !strings.Contains(body, web.InternalErrorMessage(id)) {
		t.Errorf("page lacks the generic message with request id %s:\n%s", id, body)
	}
	if strings.Contains(body, "patient_secret_internal") || strings.Contains(body, "pq:") {
		t.Errorf("page shows the cause:\n%s", body)
	}
	if l := logs.String(); !strings.Contains(l, "patient_secret_internal") || !strings.Contains(l, `"request_id":"`+id+`"`) {
		t.Errorf("log lacks the cause under request id %s:\n%s", id, l)
	}

	// A refused input: the message, and nothing of the error's Go form.
	status, body, _ = b.action(fmt.Sprintf("/patients/%d/payments", f.patient.ID), url.Values{"amount": {"ten"}, "method": {"cash"}, "key": {"k-000001"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "The amount must be dollars and cents, such as 25.00: amount &#34;ten&#34;: not a decimal amount.") ||
		strings.Contains(body, "rcm error") || strings.Contains(body, "code=") {
		t.Errorf("refused payment: %d\n%s", status, body)
	}
}

// syncLog collects the workbench's log, written from handler goroutines.
type syncLog struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
