package ui_test

import (
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/openrcm/openrcm/web"
)

// signInRaw signs in with hand-made requests (no cookie jar, which would
// hold back a Secure cookie on plain HTTP) sending header on each, and
// returns the answers to the sign-in form and to the sign-in itself.
func signInRaw(t *testing.T, f *fixture, header http.Header) (form, signIn *http.Response) {
	t.Helper()
	c := &http.Client{Transport: f.srv.Client().Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(req *http.Request) *http.Response {
		t.Helper()
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/login", nil)
	form = do(req)
	body, _ := io.ReadAll(form.Body)
	m := csrfRE.FindSubmatch(body)
	var login *http.Cookie
	for _, ck := range form.Cookies() {
		if ck.Name == "rcm_login" {
			login = ck
		}
	}
	if m == nil || login == nil {
		t.Fatalf("sign-in form lacks its token or cookie: %d", form.StatusCode)
	}
	v := url.Values{"csrf": {string(m[1])}, "username": {f.admin}, "password": {sqldbtest.TestPassword}, "next": {"/"}}
	req, _ = http.NewRequest(http.MethodPost, f.srv.URL+"/login", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: login.Name, Value: login.Value})
	signIn = do(req)
	if signIn.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /login: %d", signIn.StatusCode)
	}
	return form, signIn
}

// TestCookiesAndHSTS checks who decides Secure cookies and HSTS: TLS, a
// trusted proxy saying https, a server not on loopback (Secure cookies
// only), and nobody else: X-Forwarded-Proto from a peer that is not a
// trusted proxy changes nothing.
func TestCookiesAndHSTS(t *testing.T) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
	elsewhere := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	https := http.Header{"X-Forwarded-Proto": {"https"}}
	type result struct {
		SessionSecure, LoginSecure bool
		HSTS                       string
	}
	const hsts = "max-age=31536000; includeSubDomains"
	for _, tt := range []struct {
		name   string
		opts   fixtureOptions
		header http.Header
		want   result
	}{
		{"TLS", fixtureOptions{tls: true}, nil, result{true, true, hsts}},
		{"plain HTTP on loopback", fixtureOptions{}, nil, result{}},
		{"spoofed X-Forwarded-Proto, no proxy trusted", fixtureOptions{}, https, result{}},
		{"spoofed X-Forwarded-Proto from an untrusted peer", fixtureOptions{transport: web.Transport{TrustedProxies: elsewhere}}, https, result{}},
		{"trusted proxy says https", fixtureOptions{transport: web.Transport{TrustedProxies: loopback}}, https, result{true, true, hsts}},
		{"trusted proxy says http", fixtureOptions{transport: web.Transport{TrustedProxies: loopback}}, http.Header{"X-Forwarded-Proto": {"http"}}, result{}},
		{"client prepends https before the proxy's http", fixtureOptions{transport: web.Transport{TrustedProxies: loopback}}, http.Header{"X-Forwarded-Proto": {"https, http"}}, result{}},
		{"not on loopback: Secure cookies, no HSTS", fixtureOptions{transport: web.Transport{SecureCookies: true}}, nil, result{true, true, ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixtureWith(t, tt.opts)
			form, signIn := signInRaw(t, f, tt.header)
			var got result
			for _, c := range form.Cookies() {
				if c.Name == "rcm_login" {
					got.LoginSecure = c.Secure
				}
			}
			for _, c := range signIn.Cookies() {
				if c.Name == "rcm_session" {
					got.SessionSecure = c.Secure
				}
			}
			got.HSTS = signIn.Header.Get("Strict-Transport-Security")
			if h := form.Header.Get("Strict-Transport-Security"); h != got.HSTS {
				t.Errorf("HSTS differs between the form (%q) and the sign-in (%q)", h, got.HSTS)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSignInOverTLS signs in with a browser over HTTPS: the Secure
// session cookie comes back and opens the dashboard, whose answer also
// carries HSTS.
func TestSignInOverTLS(t *testing.T) {
	f := newFixtureWith(t, fixtureOptions{tls: true})
	b := f.browser(t)
	b.login(f.admin)
	status, _, resp := b.get("/")
	if status != http.StatusOK || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("dashboard over TLS: %d, HSTS %q", status, resp.Header.Get("Strict-Transport-Security"))
	}
}

// TestStaticHasNoListing: the embedded files are served without sign-in,
// but no directory is listed.
func TestStaticHasNoListing(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/static/app.css", http.StatusOK},
		{"/static/app.js", http.StatusOK},
		{"/static/", http.StatusNotFound},
		{"/static/.", http.StatusNotFound},
		{"/static//", http.StatusNotFound},
		{"/static/app.css/", http.StatusNotFound},
		{"/static/nope.css", http.StatusNotFound},
		{"/static/../templates/layout.html", http.StatusNotFound},
		{"/static/%2e%2e/templates/layout.html", http.StatusNotFound},
	} {
		t.Run(tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, f.srv.URL+tt.path, nil)
			req.URL.Opaque = tt.path // send the path as written, uncleaned
			resp, err := f.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if strings.Contains(string(body), `href="app.css"`) || strings.Contains(string(body), "<pre>") {
				t.Errorf("answer lists files:\n%s", body)
			}
		})
	}
}

// TestSignInNeedsHTTPS: on a server that marks cookies Secure, a browser
// on plain HTTP (to a host other than localhost) keeps the sign-in cookie
// back; the form then says HTTPS is needed instead of expiring for ever.
// Without Secure cookies a missing cookie means the form expired.
func TestSignInNeedsHTTPS(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts fixtureOptions
		want string
	}{
		{"Secure cookies on plain HTTP", fixtureOptions{transport: web.Transport{SecureCookies: true}}, "This server signs in over HTTPS only."},
		{"plain cookies", fixtureOptions{}, "The sign-in form expired."},
		{"Secure cookies over TLS", fixtureOptions{tls: true, transport: web.Transport{SecureCookies: true}}, "The sign-in form expired."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixtureWith(t, tt.opts)
			c := f.srv.Client() // no cookie jar: the cookie a browser keeps back
			resp, err := c.Get(f.srv.URL + "/login")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			m := csrfRE.FindSubmatch(body)
			if m == nil {
				t.Fatal("no sign-in token")
			}
			form := url.Values{"csrf": {string(m[1])}, "username": {f.admin}, "password": {sqldbtest.TestPassword}}
			resp, err = c.PostForm(f.srv.URL+"/login", form)
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), tt.want) {
				t.Errorf("sign-in without the cookie: %d, want 403 saying %q\n%s", resp.StatusCode, tt.want, body)
			}
			for _, c := range resp.Cookies() {
				if c.Name == "rcm_session" {
					t.Error("a session cookie was set")
				}
			}
		})
	}
}
