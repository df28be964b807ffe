package attack_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/attack"
)

// apiBody is a well-formed body for a route that takes one, keyed by the
// last segment of its path, so a refusal comes from the id or the role,
// not from a body the handler could not read.
func (e *env) apiBody(t *testing.T, r route, o *org, path string) string {
	t.Helper()
	last := r.path[strings.LastIndex(r.path, "/")+1:]
	switch last {
	case "payments":
		return `{"amount":"1.00","method":"card","key":"attack-payment"}`
	case "write-offs":
		return `{"amount":"1.00","reason":"small_balance","key":"attack-write-off"}`
	case "apply-credit":
		return `{"amount":"1.00","key":"attack-apply-credit"}`
	case "resolve":
		return `{"kind":"not_ours","note":"attack"}`
	case "apply":
		return `{"claim_id":` + itoa(o.ids["claim"]) + `,"line":1,"amount":"1.00","key":"attack-apply"}`
	case "unlock", "mfa-reset":
		return ""
	case "remittances":
		return string(fresh835(t, o.name+"ROLE"))
	}
	// A create or an update: the organization's own object of that kind,
	// as the API shows it.
	plural := last
	if paramRE.MatchString(last) {
		segs := strings.Split(r.path, "/")
		plural = segs[len(segs)-2]
	}
	kind := kindOf[plural]
	id, ok := o.ids[kind]
	if !ok {
		return "{}"
	}
	get := "/api/v1/" + plural + "/"
	if kind == "coverage" {
		get = "/api/v1/coverages/"
	}
	res := e.apiCall(t, http.MethodGet, get+itoa(id), o.token[rcm.RoleAdmin], "")
	if res.status != http.StatusOK {
		t.Fatalf("GET %s%d as %s: %d %s", get, id, o.name, res.status, res.body)
	}
	// A create leaves the id out; an update names the id of its path, and
	// a coverage the patient of its path, as a client that means it would.
	var v map[string]any
	if err := json.Unmarshal([]byte(res.body), &v); err != nil {
		t.Fatal(err)
	}
	segs := strings.Split(path, "/")
	switch {
	case r.method == http.MethodPost && kind == "coverage":
		delete(v, "id")
		v["patient_id"] = json.Number(segs[len(segs)-2])
	case r.method == http.MethodPost:
		delete(v, "id")
	case r.method == http.MethodPut:
		v["id"] = json.Number(segs[len(segs)-1])
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// uiForm is a form a workbench action could accept, keyed the same way.
func uiForm(r route, o *org) url.Values {
	switch last := r.path[strings.LastIndex(r.path, "/")+1:]; last {
	case "diagnoses":
		return url.Values{"code": {"I10"}}
	case "lines":
		return url.Values{"code": {"99213"}, "units": {"1"}, "pointers": {"1"}}
	case "payments":
		return url.Values{"amount": {"1.00"}, "method": {"card"}, "key": {"attack-payment"}}
	case "write-offs":
		return url.Values{"amount": {"1.00"}, "reason": {"small_balance"}, "key": {"attack-write-off"}}
	case "resolve":
		return url.Values{"kind": {"not_ours"}, "note": {"attack"}}
	case "apply":
		return url.Values{"claim": {"attack"}, "line": {"1"}, "amount": {"1.00"}, "key": {"attack-apply"}}
	case "eligibility":
		return url.Values{"coverage": {itoa(o.ids["coverage"])}}
	}
	return url.Values{}
}

// crossTenantByID: a user of organization B asks, through every API
// route and workbench page or form that takes an id, for organization A's
// object of that kind. Every answer is 404, as if the object did not
// exist, and A's data is unchanged. Routes come from the servers'
// registered patterns, so a route added later is attacked too.
func crossTenantByID(t *testing.T, e *env) {
	before := e.state(t, e.a)
	attacker := e.login(t, e.b.user[rcm.RoleAdmin])
	n := 0
	for _, r := range routes(append(e.api.Routes(), e.wb.Routes()...)) {
		if !r.hasParams() {
			continue
		}
		path, ok := fill(r, e.a)
		if !ok {
			t.Errorf("%s: no object kind known for its id: add the noun before it to kindOf", r)
			continue
		}
		var res *response
		if strings.HasPrefix(r.path, "/api/") || strings.HasPrefix(r.path, "/fhir/") {
			body := ""
			if r.method != http.MethodGet && r.method != http.MethodDelete {
				body = e.apiBody(t, r, e.b, path)
			}
			res = e.apiCall(t, r.method, path, e.b.token[rcm.RoleAdmin], body)
		} else if r.method == http.MethodGet {
			res = attacker.get(t, path)
		} else {
			res = attacker.action(t, path, uiForm(r, e.a))
		}
		n++
		if res.status != http.StatusNotFound {
			t.Errorf("%s %s as organization B: %d, want 404\n%.300s", r.method, path, res.status, res.body)
		}
		for _, leak := range []string{"Alast", "Alpha-ACC", "Alpha Practice"} {
			if strings.Contains(res.body, leak) {
				t.Errorf("%s %s as organization B shows %q of organization A", r.method, path, leak)
			}
		}
	}
	t.Logf("%d routes with an id asked across organizations", n)
	if n < 30 {
		t.Errorf("only %d routes with an id were attacked; the route listing lost some", n)
	}
	if after := e.state(t, e.a); after != before {
		t.Errorf("organization A changed under B's requests:\nbefore %s\nafter  %s", before, after)
	}
}

// permission is what each route needs beyond a signed-in user of the
// organization, as the domain's roles grant it ("" for any role). A route
// missing here fails TestAttack/*/RolesRefused: whoever adds a route says who may
// use it.
var permission = map[string]string{
	"GET /healthz":   "",
	"GET /api/v1/me": "",

	"GET /api/v1/openapi.json": "",

	"GET /api/v1/claims":                         rcm.PermReadPatients,
	"GET /api/v1/reports/billed":                 rcm.PermReadPatients,
	"GET /api/v1/claims/{id}":                    rcm.PermReadPatients,
	"POST /api/v1/encounters/{id}/claims":        rcm.PermBill,
	"POST /api/v1/claims/{id}/scrub":             rcm.PermBill,
	"POST /api/v1/claims/{id}/submit":            rcm.PermBill,
	"POST /api/v1/claims/{id}/correct":           rcm.PermBill,
	"POST /api/v1/claims/{id}/void":              rcm.PermBill,
	"POST /api/v1/coverages/{id}/eligibility":    rcm.PermWritePatients,
	"GET /api/v1/coverages/{id}/eligibility":     rcm.PermReadPatients,
	"GET /api/v1/work-queues":                    rcm.PermBill,
	"GET /api/v1/fee-schedule":                   "",
	"POST /api/v1/fee-schedule":                  rcm.PermWriteSetup,
	"POST /api/v1/coverages/{id}/authorizations": rcm.PermWritePatients,
	"GET /api/v1/coverages/{id}/authorizations":  rcm.PermReadPatients,

	"POST /api/v1/practices":      rcm.PermWriteSetup,
	"GET /api/v1/practices":       "",
	"GET /api/v1/practices/{id}":  "",
	"PUT /api/v1/practices/{id}":  rcm.PermWriteSetup,
	"POST /api/v1/facilities":     rcm.PermWriteSetup,
	"GET /api/v1/facilities":      "",
	"POST /api/v1/providers":      rcm.PermWriteSetup,
	"GET /api/v1/providers":       "",
	"GET /api/v1/providers/{id}":  "",
	"PUT /api/v1/providers/{id}":  rcm.PermWriteSetup,
	"POST /api/v1/payers":         rcm.PermWriteSetup,
	"GET /api/v1/payers":          "",
	"GET /api/v1/payers/{id}":     "",
	"PUT /api/v1/payers/{id}":     rcm.PermWriteSetup,
	"POST /api/v1/patients":       rcm.PermWritePatients,
	"GET /api/v1/patients":        rcm.PermReadPatients,
	"GET /api/v1/patients/{id}":   rcm.PermReadPatients,
	"PUT /api/v1/patients/{id}":   rcm.PermWritePatients,
	"POST /api/v1/encounters":     rcm.PermCode,
	"GET /api/v1/encounters":      rcm.PermReadPatients,
	"GET /api/v1/encounters/{id}": rcm.PermReadPatients,
	"PUT /api/v1/encounters/{id}": rcm.PermCode,
	"GET /api/v1/audit":           rcm.PermReadAudit,
	"GET /api/v1/codes/search":    "",
	"GET /api/v1/codes/validate":  "",
	"POST /api/v1/codes/suggest":  rcm.PermReadPatients,

	"POST /api/v1/patients/{id}/coverages": rcm.PermWritePatients,
	"GET /api/v1/patients/{id}/coverages":  rcm.PermReadPatients,
	"GET /api/v1/coverages/{id}":           rcm.PermReadPatients,
	"PUT /api/v1/coverages/{id}":           rcm.PermWritePatients,

	"POST /api/v1/remittances":                        rcm.PermBill,
	"GET /api/v1/remittances":                         rcm.PermReadPatients,
	"GET /api/v1/remittances/{id}":                    rcm.PermReadPatients,
	"GET /api/v1/denials":                             rcm.PermReadPatients,
	"GET /api/v1/followups":                           rcm.PermReadPatients,
	"POST /api/v1/eobs":                               rcm.PermBill,
	"POST /api/v1/followups/assign":                   rcm.PermBill,
	"POST /api/v1/followups/notes":                    rcm.PermBill,
	"POST /api/v1/followups/close":                    rcm.PermBill,
	"GET /api/v1/claims/{id}/status":                  rcm.PermReadPatients,
	"GET /api/v1/claims/{id}/appeals":                 rcm.PermReadPatients,
	"POST /api/v1/claims/{id}/appeals":                rcm.PermBill,
	"GET /api/v1/claims/{id}/appeal-letter":           rcm.PermReadPatients,
	"GET /api/v1/remittance-exceptions":               rcm.PermReadPatients,
	"POST /api/v1/remittance-exceptions/{id}/resolve": rcm.PermBill,
	"POST /api/v1/remittance-exceptions/{id}/apply":   rcm.PermBill,
	"GET /api/v1/patient-balances":                    rcm.PermReadPatients,
	"POST /api/v1/patients/{id}/payments":             rcm.PermBill,
	"POST /api/v1/patients/{id}/write-offs":           rcm.PermBill,
	"GET /api/v1/credits":                             rcm.PermReadPatients,
	"POST /api/v1/patients/{id}/apply-credit":         rcm.PermBill,
	"GET /api/v1/refunds":                             rcm.PermReadPatients,
	"POST /api/v1/refunds":                            rcm.PermBill,
	"POST /api/v1/refunds/approve":                    rcm.PermBill,
	"POST /api/v1/refunds/decline":                    rcm.PermBill,
	"POST /api/v1/periods/close":                      rcm.PermManageUsers,
	"GET /api/v1/reports/kpi":                         rcm.PermBill,

	// The FHIR door: an import writes patients and encounters (it needs
	// patients:write too); the reads are patient data.
	"POST /fhir/R4":                          rcm.PermCode,
	"GET /fhir/R4/Patient/{id}":              rcm.PermReadPatients,
	"GET /fhir/R4/Coverage/{id}":             rcm.PermReadPatients,
	"GET /fhir/R4/Claim/{id}":                rcm.PermReadPatients,
	"GET /fhir/R4/ExplanationOfBenefit/{id}": rcm.PermReadPatients,

	"POST /api/v1/me/password":                     "",
	"GET /api/v1/me/tokens":                        "",
	"DELETE /api/v1/me/tokens/{token}":             "",
	"GET /api/v1/me/sessions":                      "",
	"DELETE /api/v1/me/sessions/{session}":         "",
	"GET /api/v1/users/{id}/tokens":                rcm.PermManageUsers,
	"DELETE /api/v1/users/{id}/tokens/{token}":     rcm.PermManageUsers,
	"GET /api/v1/users/{id}/sessions":              rcm.PermManageUsers,
	"DELETE /api/v1/users/{id}/sessions/{session}": rcm.PermManageUsers,
	"POST /api/v1/users/{username}/unlock":         rcm.PermManageUsers,
	"POST /api/v1/users/{username}/mfa-reset":      rcm.PermManageUsers,
	"GET /account":                                 "",
	"POST /account/password":                       "",
	"POST /account/mfa/disable":                    "",
	"POST /account/sessions/{sid}/end":             "",
	"POST /account/tokens/{tid}/revoke":            "",
	"GET /login/mfa":                               "",
	"POST /login/mfa":                              "",
	"GET /mfa/enrol":                               "",
	"POST /mfa/enrol":                              "",
	"GET /users":                                   rcm.PermManageUsers,
	"GET /users/{id}":                              rcm.PermManageUsers,
	"POST /users/{id}/reset":                       rcm.PermManageUsers,
	"POST /users/{id}/sessions/{sid}/end":          rcm.PermManageUsers,
	"POST /users/{id}/tokens/{tid}/revoke":         rcm.PermManageUsers,

	"GET /static/":    "",
	"GET /login":      "",
	"POST /login":     "",
	"POST /logout":    "",
	"GET /{$}":        "",
	"GET /encounters": rcm.PermReadPatients,

	"GET /encounters/{id}":                       rcm.PermReadPatients,
	"GET /codes/search":                          rcm.PermCode,
	"POST /encounters/{id}/diagnoses":            rcm.PermCode,
	"POST /encounters/{id}/diagnoses/{n}/remove": rcm.PermCode,
	"POST /encounters/{id}/diagnoses/{n}/up":     rcm.PermCode,
	"POST /encounters/{id}/lines":                rcm.PermCode,
	"POST /encounters/{id}/facility":             rcm.PermCode,
	"POST /encounters/{id}/lines/{n}":            rcm.PermCode,
	"POST /encounters/{id}/lines/{n}/remove":     rcm.PermCode,
	"POST /encounters/{id}/ready":                rcm.PermCode,
	"POST /encounters/{id}/claim":                rcm.PermBill,
	"GET /claims":                                rcm.PermReadPatients,
	"GET /claims/{id}":                           rcm.PermReadPatients,
	"GET /claims/{id}/837p":                      rcm.PermReadPatients,
	"GET /claims/{id}/cms1500.pdf":               rcm.PermBill,
	"POST /claims/{id}/scrub":                    rcm.PermBill,
	"POST /claims/{id}/submit":                   rcm.PermBill,
	"POST /claims/{id}/correct":                  rcm.PermBill,
	"POST /claims/{id}/void":                     rcm.PermBill,
	"GET /queues":                                rcm.PermBill,
	"GET /patients":                              rcm.PermReadPatients,
	"GET /patients/{id}":                         rcm.PermReadPatients,
	"POST /patients/{id}/eligibility":            rcm.PermWritePatients,
	"POST /patients/{id}":                        rcm.PermWritePatients,
	"POST /patients/{id}/coverages":              rcm.PermWritePatients,
	"POST /patients/{id}/coverages/{cov}":        rcm.PermWritePatients,
	"POST /patients/{id}/payments":               rcm.PermBill,
	"POST /patients/{id}/write-offs":             rcm.PermBill,
	"GET /patients/{id}/statement.pdf":           rcm.PermBill,
	"GET /patients/new":                          rcm.PermWritePatients,
	"POST /patients":                             rcm.PermWritePatients,
	"GET /patients/{id}/encounters/new":          rcm.PermCode,
	"POST /patients/{id}/encounters":             rcm.PermCode,
	"GET /fees":                                  "",
	"POST /fees":                                 rcm.PermWriteSetup,
	"GET /coverages/{id}/authorizations":         rcm.PermReadPatients,
	"POST /coverages/{id}/authorizations":        rcm.PermWritePatients,
	"GET /remittances":                           rcm.PermBill,
	"GET /followups":                             rcm.PermBill,
	"POST /claims/{id}/appeal":                   rcm.PermBill,
	"GET /claims/{id}/appeal-letter.pdf":         rcm.PermReadPatients,
	"POST /remittances":                          rcm.PermBill,
	"POST /remittances/poll":                     rcm.PermBill,
	"GET /remittances/{id}":                      rcm.PermBill,
	"POST /remittances/exceptions/{id}/resolve":  rcm.PermBill,
	"POST /remittances/exceptions/{id}/apply":    rcm.PermBill,

	"GET /jobs":                 rcm.PermWriteSetup,
	"POST /jobs/retry":          rcm.PermWriteSetup,
	"POST /jobs/cancel":         rcm.PermWriteSetup,
	"POST /jobs/schedule":       rcm.PermWriteSetup,
	"GET /jobs/{id}":            rcm.PermWriteSetup,
	"GET /imports":              rcm.PermWriteSetup, // and the admin role: see TestImportScreens
	"POST /imports":             rcm.PermWriteSetup,
	"GET /statements":           rcm.PermBill,
	"GET /statements/print.zip": rcm.PermBill,

	// The statement runs' list to mail.
	"GET /statements/mail":           rcm.PermBill,
	"GET /statements/mail/{id}":      rcm.PermBill,
	"GET /statements/mail/print.zip": rcm.PermBill,
	"POST /statements/mail/mailed":   rcm.PermBill,

	// Computer-assisted coding: the coder's decisions and their measure.
	"POST /encounters/{id}/suggestions":                      rcm.PermCode,
	"GET /codes/suggestions":                                 rcm.PermReadPatients,
	"POST /api/v1/codes/suggest/decisions":                   rcm.PermCode,
	"GET /api/v1/codes/suggest/decisions":                    rcm.PermReadPatients,
	"GET /api/v1/codes/suggest/stats":                        rcm.PermReadPatients,
	"GET /api/v1/contracts":                                  "",
	"POST /api/v1/contracts":                                 rcm.PermWriteSetup,
	"GET /contracts":                                         "",
	"POST /contracts":                                        rcm.PermWriteSetup,
	"POST /contracts/rate":                                   rcm.PermWriteSetup,
	"GET /api/v1/coding-audits":                              rcm.PermAuditCoding,
	"POST /api/v1/coding-audits":                             rcm.PermAuditCoding,
	"GET /api/v1/coding-audits/{id}":                         rcm.PermAuditCoding,
	"POST /api/v1/coding-audits/{id}/encounters/{encounter}": rcm.PermAuditCoding,
	"GET /api/v1/coding-audits/{id}/report":                  rcm.PermAuditCoding,
	"GET /api/v1/practice/cases":                             "",
	"POST /api/v1/practice/attempts":                         "",
	"GET /api/v1/practice/progress":                          "",
	"GET /coding-audits":                                     rcm.PermAuditCoding,
	"POST /coding-audits":                                    rcm.PermAuditCoding,
	"GET /coding-audits/{id}":                                rcm.PermAuditCoding,
	"POST /coding-audits/{id}/encounters/{encounter}":        rcm.PermAuditCoding,
	"GET /coding-audits/{id}/report":                         rcm.PermAuditCoding,
	"GET /coding-audits/{id}/report.csv":                     rcm.PermAuditCoding,
	"GET /coding-audits/{id}/report.pdf":                     rcm.PermAuditCoding,
	"GET /practice":                                          "",
	"POST /practice":                                         "",
	"GET /followups/{id}":                                    rcm.PermBill,
	"POST /followups/assign":                                 rcm.PermBill,
	"POST /followups/{id}/note":                              rcm.PermBill,
	"POST /followups/{id}/close":                             rcm.PermBill,
	"GET /queues/denials.csv":                                rcm.PermBill,
	"GET /claims/{id}/status.csv":                            rcm.PermReadPatients,
	"GET /reports/kpi":                                       rcm.PermBill,
}

// rolesRefused: every route, asked by every role that lacks the
// permission the route needs, answers 403 (a JSON error from the API, the
// error page from the workbench) and changes nothing, on the caller's own
// organization's objects.
func rolesRefused(t *testing.T, e *env) {
	before := e.state(t, e.a)
	sessions := map[string]*browser{}
	n := 0
	for _, r := range routes(append(e.api.Routes(), e.wb.Routes()...)) {
		key := r.String()
		if r.path == "/" {
			key = "GET /{$}"
		}
		perm, known := permission[key]
		if !known {
			t.Errorf("%s: no permission in the attack suite's table: add who may use it", key)
			continue
		}
		if perm == "" {
			continue
		}
		path, ok := fill(r, e.a)
		if !ok {
			t.Errorf("%s: no object kind known for its id", r)
			continue
		}
		for _, role := range roles {
			if rcm.RoleCan(role, perm) {
				continue
			}
			var res *response
			if strings.HasPrefix(r.path, "/api/") || strings.HasPrefix(r.path, "/fhir/") {
				body := ""
				if r.method != http.MethodGet && r.method != http.MethodDelete {
					body = e.apiBody(t, r, e.a, path)
				}
				res = e.apiCall(t, r.method, path, e.a.token[role], body)
				if res.status == http.StatusForbidden && !strings.Contains(res.body, `"forbidden"`) {
					t.Errorf("%s as %s: 403 without the JSON error: %.200s", r, role, res.body)
				}
			} else {
				b := sessions[role]
				if b == nil {
					b = e.login(t, e.a.user[role])
					sessions[role] = b
				}
				if r.method == http.MethodGet {
					res = b.get(t, path)
				} else {
					res = b.action(t, path, uiForm(r, e.a))
				}
			}
			n++
			if res.status != http.StatusForbidden {
				t.Errorf("%s %s as %s (lacks %s): %d, want 403\n%.300s", r.method, path, role, perm, res.status, res.body)
			}
		}
	}
	t.Logf("%d route and role pairs refused", n)
	if after := e.state(t, e.a); after != before {
		t.Errorf("refused requests changed organization A:\nbefore %s\nafter  %s", before, after)
	}
}

// hostileJSONBodies sends every hostile body to every API route that
// reads one (POST and PUT), on organization A's own objects as its admin:
// each answer is a 4xx JSON error, and nothing changes.
func hostileJSONBodies(t *testing.T, e *env) {
	before := e.state(t, e.a)
	n := 0
	for _, r := range routes(e.api.Routes()) {
		if r.method != http.MethodPost && r.method != http.MethodPut {
			continue
		}
		path, ok := fill(r, e.a)
		if !ok {
			t.Errorf("%s: no object kind known for its id", r)
			continue
		}
		for _, body := range attack.Bodies {
			res := e.apiCall(t, r.method, path, e.a.token[rcm.RoleAdmin], body)
			n++
			if res.status < 400 || res.status >= 500 || !strings.Contains(res.body, `"error"`) {
				t.Errorf("%s with %.60q: %d %.200s", r, body, res.status, res.body)
			}
		}
	}
	t.Logf("%d hostile bodies", n)
	if after := e.state(t, e.a); after != before {
		t.Errorf("hostile bodies changed organization A:\nbefore %s\nafter  %s", before, after)
	}
}
