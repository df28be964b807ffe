package attack_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/internal/attack"
)

// apiParams is every query parameter a list route of the API reads (and
// sort, which none does); uiParams the same for the workbench. Each is
// sent to every list route with every injection. The API refuses a
// parameter a route does not take before reading any, so those pairs get
// one request, not one per injection.
var (
	apiParams = []string{"name", "q", "limit", "offset", "before", "patient_id", "payer_id", "status", "trace",
		"paid_from", "paid_to", "posted_from", "posted_to", "system", "dos", "code", "age", "sex", "sort"}
	uiParams = []string{"q", "state", "status", "payer", "provider", "encounter", "before", "from", "to", "open",
		"exceptions", "submission", "done", "next", "expired", "sort"}
)

// leaks are texts only organization A's rows hold.
var leaks = []string{"Alast", "Alpha-ACC", "Alpha Practice", "AlphaCHK1"}

// injectionInQueries sends every injection in every query parameter
// of every list route (the routes without an id), as organization B:
// each answer is below 500 and shows none of A's rows, and both
// organizations' data is intact afterwards.
func injectionInQueries(t *testing.T, e *env) {
	beforeA, beforeB := e.state(t, e.a), e.state(t, e.b)
	b := e.login(t, e.b.user[rcm.RoleAdmin])
	type job struct {
		r     route
		param string
	}
	var jobs []job
	for _, r := range routes(append(e.api.Routes(), e.wb.Routes()...)) {
		if r.method != http.MethodGet || r.hasParams() || r.path == "/static/" {
			continue
		}
		params := uiParams
		if strings.HasPrefix(r.path, "/api/") || r.path == "/healthz" {
			params = apiParams
		}
		for _, p := range params {
			jobs = append(jobs, job{r, p})
		}
	}
	// The requests wait on the database far more than on the processor,
	// so four at a time finish sooner; each route and parameter is one
	// worker's.
	var n atomic.Int64
	var wg sync.WaitGroup
	next := make(chan job)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				api := strings.HasPrefix(j.r.path, "/api/") || j.r.path == "/healthz"
				get := func(v string) *response {
					path := j.r.path + "?" + url.Values{j.param: {v}}.Encode()
					n.Add(1)
					if api {
						return e.apiCall(t, http.MethodGet, path, e.b.token[rcm.RoleAdmin], "")
					}
					return b.get(t, path)
				}
				if api {
					if res := get("1"); res.status == http.StatusBadRequest && strings.Contains(res.body, "Unknown query parameter") {
						continue
					}
				}
				injections := attack.Injections
				if raceEnabled && !api {
					// Under the race detector a workbench page costs
					// ten times as much: the workbench gets the first
					// four injections (quotes, a statement, an encoded
					// quote) and the NUL; the API gets them all.
					injections = append(slices.Clone(injections[:4]), "a\x00b")
				}
				for _, v := range injections {
					res := get(v)
					if res.status >= 500 {
						t.Errorf("GET %s?%s=%.40q: %d\n%.300s", j.r.path, j.param, v, res.status, res.body)
					}
					for _, l := range leaks {
						if strings.Contains(res.body, l) {
							t.Errorf("GET %s?%s=%.40q as organization B shows %q of organization A", j.r.path, j.param, v, l)
						}
					}
				}
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	t.Logf("%d hostile queries", n.Load())
	if after := e.state(t, e.a); after != beforeA {
		t.Errorf("organization A changed:\nbefore %s\nafter  %s", beforeA, after)
	}
	if after := e.state(t, e.b); after != beforeB {
		t.Errorf("organization B changed:\nbefore %s\nafter  %s", beforeB, after)
	}
}

// unescaped are the forms hostile text takes when a page fails to escape
// it.
var unescaped = []string{xssScript, "<img src=x onerror", `href="javascript:`, `src="javascript:`, "<script>alert"}

// storedTextIsEscaped renders every workbench page of organization A,
// whose every free-text field (patient, address, practice, provider,
// payer, coverage, encounter note, 835 payer and payee names, claim
// control numbers of exceptions, exception notes, clearinghouse names)
// holds hostile markup, plus an uploaded file and a clearinghouse file
// named with markup. No page holds the markup unescaped; every page has
// the workbench's Content-Security-Policy; every API answer is JSON under
// the API's policy that forbids all active content.
func storedTextIsEscaped(t *testing.T, e *env) {
	b := e.login(t, e.a.user[rcm.RoleAdmin])

	// File names: an upload and a file waiting in the clearinghouse.
	res := upload(t, b, `<script>alert(1)</script>"><img src=x onerror=alert(1)>.835`, fresh835(t, "XSSUPLOAD"))
	checkPage(t, "upload", res)
	if !strings.Contains(res.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the upload's page does not show the file's name escaped:\n%.2000s", res.body)
	}
	if err := os.MkdirAll(e.inbound, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.inbound, `<img src=x onerror=alert(1)>.835`), fresh835(t, "XSSINBOX"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = b.action(t, "/remittances/poll", nil)
	checkPage(t, "poll", res)
	if !strings.Contains(res.body, "&lt;img src=x onerror=alert(1)&gt;.835") {
		t.Errorf("the poll's page does not show the file's name escaped:\n%.2000s", res.body)
	}

	shown := 0
	for _, r := range routes(e.wb.Routes()) {
		if r.method != http.MethodGet || r.path == "/static/" {
			continue
		}
		path, ok := fill(r, e.a)
		if !ok {
			t.Errorf("%s: no object kind known for its id", r)
			continue
		}
		// Pages that need more (a query, a submission) answer with an
		// error page, which must escape as well.
		res := b.get(t, path)
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			if strings.Contains(ct, "html") || strings.Contains(ct, "xml") || strings.Contains(ct, "svg") {
				t.Errorf("GET %s: Content-Type %q", path, ct)
			}
			continue
		}
		checkPage(t, path, res)
		if strings.Contains(res.body, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(res.body, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") {
			shown++
		}
	}
	if shown < 5 {
		t.Errorf("only %d pages show the hostile text (escaped): the seed no longer reaches the pages", shown)
	}

	for _, r := range routes(e.api.Routes()) {
		if r.method != http.MethodGet {
			continue
		}
		path, ok := fill(r, e.a)
		if !ok {
			continue
		}
		res := e.apiCall(t, http.MethodGet, path, e.a.token[rcm.RoleAdmin], "")
		want := "application/json"
		if strings.HasPrefix(r.path, "/fhir/") {
			want = "application/fhir+json" // JSON too: never rendered as a page
		}
		if ct := res.header.Get("Content-Type"); ct != want {
			t.Errorf("GET %s: Content-Type %q, want %s", path, ct, want)
		}
		if csp := res.header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
		if res.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no X-Content-Type-Options: nosniff", path)
		}
	}
}

// checkPage fails when a workbench page holds hostile markup unescaped or
// lacks the workbench's Content-Security-Policy.
func checkPage(t *testing.T, what string, res *response) {
	t.Helper()
	for _, u := range unescaped {
		if strings.Contains(res.body, u) {
			t.Errorf("%s: the page holds %q unescaped", what, u)
		}
	}
	csp := res.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: Content-Security-Policy %q", what, csp)
	}
}

// upload posts a file to the workbench's remittance upload.
func upload(t *testing.T, b *browser, name string, data []byte) *response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+"/remittances", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.e.do(t, req, b.c)
}

// crossSiteForms posts every workbench form (and the sign-in form)
// without the CSRF token, with a wrong one, and with the right one from
// another site's Origin: each is 403 and changes nothing.
func crossSiteForms(t *testing.T, e *env) {
	before := e.state(t, e.a)
	b := e.login(t, e.a.user[rcm.RoleAdmin])
	n := 0
	for _, r := range routes(e.wb.Routes()) {
		if r.method != http.MethodPost {
			continue
		}
		path, ok := fill(r, e.a)
		if !ok {
			t.Errorf("%s: no object kind known for its id", r)
			continue
		}
		form := uiForm(r, e.a)
		if r.path == "/login" {
			form = url.Values{"username": {e.a.user[rcm.RoleAdmin]}, "password": {"correct horse battery staple"}}
		}
		withToken := func(tok string) url.Values {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if tok != "" {
				f.Set("csrf", tok)
			}
			return f
		}
		for _, tc := range []struct {
			name   string
			form   url.Values
			header []string
		}{
			{"no token", withToken(""), nil},
			{"wrong token", withToken("forged-" + b.csrf[:10]), nil},
			{"other site", withToken(b.csrf), []string{"Origin", "https://evil.example"}},
			{"other site, null origin", withToken(b.csrf), []string{"Origin", "null"}},
		} {
			if r.path == "/login" && tc.name != "no token" && tc.name != "wrong token" {
				continue // the sign-in form's token is its own cookie's, not the session's
			}
			res := b.post(t, path, tc.form, tc.header...)
			n++
			// A step of signing in answers a session that is past it by
			// sending it on, acting on nothing.
			if signInStep[r.path] && res.status == http.StatusSeeOther && res.header.Get("Location") == "/" {
				continue
			}
			if res.status != http.StatusForbidden {
				t.Errorf("POST %s, %s: %d, want 403", path, tc.name, res.status)
			}
		}
	}
	t.Logf("%d forged posts", n)
	if after := e.state(t, e.a); after != before {
		t.Errorf("forged posts changed organization A:\nbefore %s\nafter  %s", before, after)
	}
	// The session survives: the refusals were refusals, not sign-outs.
	if res := b.get(t, "/patients"); res.status != http.StatusOK {
		t.Errorf("after the forged posts GET /patients: %d", res.status)
	}
}

// signInStep names the workbench forms of a sign-in still under way: a
// signed-in session is sent on from them before anything is read.
var signInStep = map[string]bool{"/login/mfa": true}

// TestSignInRedirectStaysOnSite signs in with hostile next values, on the
// form and in the sign-in page's query: the Location after sign-in is a
// path on this site as a browser reads it (tabs and newlines dropped,
// backslashes taken as slashes).
func TestSignInRedirectStaysOnSite(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	for _, next := range attack.Redirects {
		t.Run(strings.ToValidUTF8(url.PathEscape(next), "?"), func(t *testing.T) {
			b := &browser{e: e, c: noRedirect(newJar())}
			res := b.get(t, "/login?"+url.Values{"next": {next}}.Encode())
			m := csrfRE.FindStringSubmatch(res.body)
			if m == nil {
				t.Fatalf("sign-in page: %d, no token", res.status)
			}
			res = b.post(t, "/login", url.Values{"csrf": {m[1]}, "username": {e.a.user[rcm.RoleAdmin]}, "password": {"correct horse battery staple"}, "next": {next}})
			if res.status != http.StatusSeeOther {
				t.Fatalf("sign-in: %d", res.status)
			}
			loc := res.header.Get("Location")
			if !staysOnSite(e.srv.URL, loc) {
				t.Errorf("next=%q: Location %q leaves the site", next, loc)
			}
			// Signed in, the sign-in page sends the browser on at once.
			res = b.get(t, "/login?"+url.Values{"next": {next}}.Encode())
			if loc := res.header.Get("Location"); res.status == http.StatusSeeOther && !staysOnSite(e.srv.URL, loc) {
				t.Errorf("signed in, GET /login?next=%q: Location %q leaves the site", next, loc)
			}
		})
	}
}

// staysOnSite reports whether a browser at base, told to go to loc, stays
// on base's host. Browsers drop tabs and newlines from URLs and read a
// backslash as a slash, so loc is read the same way.
func staysOnSite(base, loc string) bool {
	clean := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(strings.TrimSpace(loc))
	if !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
		return false
	}
	b, err := url.Parse(base)
	if err != nil {
		return false
	}
	u, err := b.Parse(clean)
	return err == nil && u.Host == b.Host && u.Scheme == b.Scheme
}

// TestPathTraversal: the static file route, the upload's file name and
// the clearinghouse transport's file names refuse parents, encoded
// separators, absolute paths and NUL: nothing outside their folder is
// read, written or moved.
func TestPathTraversal(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	b := e.login(t, e.a.user[rcm.RoleAdmin])
	for _, p := range attack.Paths {
		res := b.get(t, "/static/"+url.PathEscape(p))
		if res.status == http.StatusOK || res.status >= 500 {
			t.Errorf("GET /static/%q: %d", p, res.status)
		}
		for _, secret := range []string{"module github.com", "root:", "package ui"} {
			if strings.Contains(res.body, secret) {
				t.Errorf("GET /static/%q shows %q", p, secret)
			}
		}
		// Raw, as a client that does not clean paths sends them (net/http
		// cannot send a control character raw; the escaped form above is
		// what reaches a server).
		if strings.ContainsRune(p, 0) {
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/static/x", nil)
		req.URL.Opaque = "/static/" + p
		if res := e.do(t, req, b.c); res.status == http.StatusOK || strings.Contains(res.body, "module github.com") || strings.Contains(res.body, "root:") {
			t.Errorf("raw GET /static/%q: %d", p, res.status)
		}
	}

	// The upload's name is only shown, never used as a path: a hostile
	// name writes nothing anywhere.
	root := filepath.Dir(e.inbound)
	before := listTree(t, root)
	for i, p := range attack.Paths {
		res := upload(t, b, p, fresh835(t, "PATHUP"+string(rune('A'+i))))
		if res.status >= 500 {
			t.Errorf("upload named %q: %d", p, res.status)
		}
	}
	if after := listTree(t, root); after != before {
		t.Errorf("uploads wrote into the clearinghouse folder:\nbefore %s\nafter  %s", before, after)
	}

	// The transport refuses hostile names outright.
	outside := filepath.Join(root, "secret.835")
	if err := os.WriteFile(outside, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := clearinghouse.OpenDir(clearinghouse.Layout{Outbound: filepath.Join(root, "outbound"), Inbound: e.inbound, Archive: filepath.Join(root, "archive")})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(attack.Paths, "../secret.835", outside, "..", ".", "") {
		if data, err := d.Fetch(e.a.ctx, p); err == nil {
			t.Errorf("Fetch(%q) read %q", p, data)
		}
		if err := d.Ack(e.a.ctx, p); err == nil {
			t.Errorf("Ack(%q) succeeded", p)
		}
		if err := d.Send(e.a.ctx, p, []byte("ISA")); err == nil {
			t.Errorf("Send(%q) succeeded", p)
		}
	}
	if data, err := os.ReadFile(outside); err != nil || string(data) != "secret" {
		t.Errorf("the file outside the inbound folder was moved or changed: %q, %v", data, err)
	}
}

// listTree lists the files under root with their sizes.
func listTree(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b.WriteString(p + " " + info.Mode().String() + "\n")
		return nil
	})
	return b.String()
}
