package web_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// brokenPayers is a real store whose payer service fails the way a broken
// database or a bug would.
type brokenPayers struct{ *sqldb.DB }

func (brokenPayers) FindPayers(ctx context.Context) ([]*rcm.Payer, error) {
	return nil, errors.New(`pq: relation "payer_secret_internal" does not exist`)
}

func (brokenPayers) FindPayerByID(ctx context.Context, id int64) (*rcm.Payer, error) {
	panic("bug in FindPayerByID")
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	ctx, _ := sqldbtest.Org(t, db, "Lakeside")
	a, _ := rcm.ActorFromContext(ctx)
	_, token, err := db.CreateAPIToken(ctx, a.UserID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv, err := web.NewServer(web.Config{
		Organizations: db, Payers: brokenPayers{db}, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping:   func(context.Context) error { return nil },
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	e := &testEnv{db: db, srv: hs, ctx: ctx, admin: token, logs: logs}

	for _, tt := range []struct{ path, logged string }{
		{"/api/v1/payers", "payer_secret_internal"},
		{"/api/v1/payers/1", "bug in FindPayerByID"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			r := e.request(t, "GET", tt.path, token, "")
			msg := r.wantError(t, http.StatusInternalServerError, rcm.EINTERNAL, "").Message
			id := r.header.Get(web.RequestIDHeader)
			if len(id) != 16 {
				t.Fatalf("%s = %q, want a 16-character request id", web.RequestIDHeader, id)
			}
			if want := web.InternalErrorMessage(id); msg != want {
				t.Errorf("message = %q, want the generic %q", msg, want)
			}
			if strings.Contains(msg, tt.logged) || strings.Contains(msg, "rcm error") {
				t.Errorf("message %q leaks internals", msg)
			}
			if !strings.Contains(logs.String(), tt.logged) || !strings.Contains(logs.String(), `"request_id":"`+id+`"`) {
				t.Errorf("log lacks the cause %q under request id %s:\n%s", tt.logged, id, logs.String())
			}
		})
	}
}
