package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

func TestAuthentication(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		a, _ := rcm.ActorFromContext(e.ctx)
		_, expired, err := e.db.CreateAPIToken(e.ctx, a.UserID, "short", time.Nanosecond)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			method string
			path   string
			body   string
			auth   string // the whole Authorization header; "" sends none
			status int
			field  string
		}{
			{name: "no header", method: "GET", path: "/api/v1/me", status: 401, field: "Authorization"},
			{name: "basic scheme", method: "GET", path: "/api/v1/me", auth: "Basic YWRtaW46YWRtaW4=", status: 401, field: "Authorization"},
			{name: "bearer without token", method: "GET", path: "/api/v1/me", auth: "Bearer ", status: 401, field: "Authorization"},
			{name: "unknown token", method: "GET", path: "/api/v1/me", auth: "Bearer rcm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", status: 401},
			{name: "not an OpenRCM token", method: "GET", path: "/api/v1/patients", auth: "Bearer eyJhbGciOiJIUzI1NiJ9", status: 401},
			{name: "admin token with a typo", method: "GET", path: "/api/v1/me", auth: "Bearer " + e.admin + "x", status: 401},
			{name: "expired token", method: "GET", path: "/api/v1/me", auth: "Bearer " + expired, status: 401},
			// Authentication comes before reading the body: a stranger
			// learns nothing about what a request would have done.
			{name: "post without token", method: "POST", path: "/api/v1/payers", body: `{"bogus":1}`, status: 401, field: "Authorization"},
			{name: "every api route needs a token", method: "GET", path: "/api/v1/audit", status: 401, field: "Authorization"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.request(t, tt.method, tt.path, "", tt.body, "Authorization", tt.auth)
				r.wantError(t, tt.status, rcm.EUNAUTHORIZED, tt.field)
				if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
					t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", got)
				}
			})
		}

		t.Run("valid token, scheme in any case", func(t *testing.T) {
			var u rcm.User
			e.request(t, "GET", "/api/v1/me", "", "", "Authorization", "bearer "+e.admin).decode(t, http.StatusOK, &u)
			want := rcm.User{ID: a.UserID, OrgID: e.org.ID, Username: "lakeside.admin", Name: "Lakeside admin", Role: rcm.RoleAdmin}
			if diff := cmp.Diff(want, u, cmpIgnoreCreated); diff != "" {
				t.Errorf("me mismatch (-want +got):\n%s", diff)
			}
		})

		for _, reason := range []string{strings.Repeat("r", 201), "tab\there", "zero\u200bwidth", "bad\xffutf8", "   "} {
			t.Run("bad reason "+reason[:3], func(t *testing.T) {
				e.request(t, "GET", "/api/v1/me", e.admin, "", "X-RCM-Reason", reason).
					wantError(t, http.StatusBadRequest, rcm.EINVALID, "X-RCM-Reason")
			})
		}
	})
}

var cmpIgnoreCreated = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".CreatedAt" }, cmp.Ignore())

func TestSecurityHeaders(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		for _, tt := range []struct{ method, path, token string }{
			{"GET", "/healthz", ""},
			{"GET", "/api/v1/me", ""},
			{"GET", "/api/v1/me", e.admin},
			{"GET", "/api/v1/nowhere", e.admin},
			{"DELETE", "/api/v1/payers", e.admin},
		} {
			t.Run(tt.method+" "+tt.path, func(t *testing.T) {
				r := e.request(t, tt.method, tt.path, tt.token, "")
				for name, want := range map[string]string{
					"X-Content-Type-Options": "nosniff",
					"Cache-Control":          "no-store",
					"X-Frame-Options":        "DENY",
				} {
					if got := r.header.Get(name); got != want {
						t.Errorf("%s = %q, want %q", name, got, want)
					}
				}
				if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
					t.Errorf("Content-Security-Policy = %q, want default-src 'none'", csp)
				}
			})
		}
	})
}

func TestUnroutedRequestsGetJSONErrors(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		e.request(t, "GET", "/api/v1/nowhere", e.admin, "").wantError(t, http.StatusNotFound, rcm.ENOTFOUND, "")
		r := e.request(t, "DELETE", "/api/v1/payers/1", e.admin, "")
		r.wantError(t, http.StatusMethodNotAllowed, "method_not_allowed", "")
		if got := r.header.Get("Allow"); !strings.Contains(got, "GET") || !strings.Contains(got, "PUT") {
			t.Errorf("Allow = %q, want GET and PUT", got)
		}
	})
}
