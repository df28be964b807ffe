package web_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/web"
)

// TestTransport checks the one place that believes or refuses what a
// request says about its client and channel.
func TestTransport(t *testing.T) {
	proxies, err := web.ParseTrustedProxies("10.0.0.0/8, 192.168.1.10,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	trusting := web.Transport{TrustedProxies: proxies}
	type seen struct {
		Client               string
		Secure, CookieSecure bool
		HSTS                 string
	}
	const hsts = "max-age=31536000; includeSubDomains"
	for _, tt := range []struct {
		name      string
		transport web.Transport
		remote    string
		tls       bool
		header    map[string][]string
		want      seen
	}{
		{"plain HTTP", web.Transport{}, "127.0.0.1:5000", false, nil, seen{"127.0.0.1", false, false, ""}},
		{"TLS", web.Transport{}, "127.0.0.1:5000", true, nil, seen{"127.0.0.1", true, true, hsts}},
		{"IPv6 peer", web.Transport{}, "[2001:db8::7]:5000", false, nil, seen{"2001:db8::7", false, false, ""}},
		{"IPv4-mapped peer", web.Transport{}, "[::ffff:203.0.113.9]:5000", false, nil, seen{"203.0.113.9", false, false, ""}},
		{"not on loopback: Secure cookies only", web.Transport{SecureCookies: true}, "203.0.113.9:5000", false, nil, seen{"203.0.113.9", false, true, ""}},
		{"headers from an untrusted peer are ignored", trusting, "203.0.113.9:5000", false,
			map[string][]string{"X-Forwarded-Proto": {"https"}, "X-Forwarded-For": {"198.51.100.1"}}, seen{"203.0.113.9", false, false, ""}},
		{"headers with no proxy trusted are ignored", web.Transport{}, "10.1.2.3:5000", false,
			map[string][]string{"X-Forwarded-Proto": {"https"}, "X-Forwarded-For": {"198.51.100.1"}}, seen{"10.1.2.3", false, false, ""}},
		{"trusted proxy", trusting, "10.1.2.3:5000", false,
			map[string][]string{"X-Forwarded-Proto": {"https"}, "X-Forwarded-For": {"198.51.100.1"}}, seen{"198.51.100.1", true, true, hsts}},
		{"trusted proxy says http", trusting, "10.1.2.3:5000", false,
			map[string][]string{"X-Forwarded-Proto": {"http"}}, seen{"10.1.2.3", false, false, ""}},
		{"trusted proxy appends to the client's https", trusting, "10.1.2.3:5000", false,
			map[string][]string{"X-Forwarded-Proto": {"https, http"}}, seen{"10.1.2.3", false, false, ""}},
		{"client's own X-Forwarded-For entries are skipped", trusting, "10.1.2.3:5000", false,
			map[string][]string{"X-Forwarded-For": {"1.2.3.4, 198.51.100.1, 192.168.1.10"}}, seen{"198.51.100.1", false, false, ""}},
		{"X-Forwarded-For over several header lines", trusting, "10.1.2.3:5000", false,
			map[string][]string{"X-Forwarded-For": {"1.2.3.4", "198.51.100.1"}}, seen{"198.51.100.1", false, false, ""}},
		{"every hop trusted: the leftmost", trusting, "10.1.2.3:5000", false,
			map[string][]string{"X-Forwarded-For": {"10.9.9.9, 192.168.1.10"}}, seen{"10.9.9.9", false, false, ""}},
		{"malformed hop ends the walk", trusting, "10.1.2.3:5000", false,
			map[string][]string{"X-Forwarded-For": {"1.2.3.4, not-an-address, 10.4.4.4"}}, seen{"10.4.4.4", false, false, ""}},
		{"hop with port and IPv6 in brackets", trusting, "[fd00::1]:5000", false,
			map[string][]string{"X-Forwarded-For": {"[2001:db8::1]:4711"}}, seen{"2001:db8::1", false, false, ""}},
		{"peer that is not an IP address", trusting, "pipe", false, nil, seen{"invalid IP", false, false, ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got seen
			var id string
			h := tt.transport.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got.Client = web.ClientAddr(r).String()
				got.Secure, got.CookieSecure = web.IsSecure(r), web.CookieSecure(r)
				id = web.RequestID(r)
			}))
			req := httptest.NewRequest("GET", "/", nil)
			req.RemoteAddr = tt.remote
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			for k, v := range tt.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			got.HSTS = rec.Header().Get("Strict-Transport-Security")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if rid := rec.Header().Get(web.RequestIDHeader); len(rid) != 16 || rid != id {
				t.Errorf("%s = %q, handler saw %q", web.RequestIDHeader, rid, id)
			}
		})
	}
}

// TestRequestInfoWithoutTransport: a handler run outside Transport.Handler
// (a test of one handler) still gets the peer, TLS and a request id.
func TestRequestInfoWithoutTransport(t *testing.T) {
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "192.0.2.4:1234"
	req.Header.Set("X-Forwarded-For", "198.51.100.1")
	req.Header.Set("X-Forwarded-Proto", "https")
	if got := web.ClientAddr(req); got != netip.MustParseAddr("192.0.2.4") {
		t.Errorf("ClientAddr = %v", got)
	}
	if web.IsSecure(req) || web.CookieSecure(req) {
		t.Error("plain request taken as secure")
	}
	req.TLS = &tls.ConnectionState{}
	if !web.IsSecure(req) || !web.CookieSecure(req) {
		t.Error("TLS request not taken as secure")
	}
	if id := web.RequestID(req); len(id) != 16 {
		t.Errorf("RequestID = %q", id)
	}
}

func TestParseTrustedProxies(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"10.0.0.0/8", []string{"10.0.0.0/8"}, false},
		{"10.1.2.3/8, 192.168.1.10 ,::1", []string{"10.0.0.0/8", "192.168.1.10/32", "::1/128"}, false},
		{"::ffff:10.0.0.1", []string{"10.0.0.1/32"}, false},
		{"10.0.0.0/33", nil, true},
		{"proxy.example", nil, true},
		{"fe80::1%eth0", nil, true},
		{"0.0.0.0/0", nil, true},
		{"10.0.0.0/8,::/0", nil, true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := web.ParseTrustedProxies(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			var s []string
			for _, p := range got {
				s = append(s, p.String())
			}
			if diff := cmp.Diff(tt.want, s); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
