package web

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8, 192.0.2.5 ,::1,")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.5/32"), netip.MustParsePrefix("::1/128")}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("prefix %d: %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"proxy.example", "10.0.0.0/33", "10.0.0", "1.2.3.4; 5.6.7.8"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted it", bad)
		}
	}
}

// TestClientAddr: X-Forwarded-For counts only from a trusted proxy, read
// from the right, so a client cannot pick the address it is throttled as.
func TestClientAddr(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, remote string
		xff          []string
		trusted      []netip.Prefix
		want         string
	}{
		{"no proxy", "203.0.113.9:5123", nil, nil, "203.0.113.9"},
		{"header without trusted proxies", "203.0.113.9:5123", []string{"198.51.100.1"}, nil, "203.0.113.9"},
		{"header from an untrusted peer", "203.0.113.9:5123", []string{"198.51.100.1"}, trusted, "203.0.113.9"},
		{"trusted proxy", "10.1.2.3:443", []string{"198.51.100.1"}, trusted, "198.51.100.1"},
		{"client's own spoofed hop is skipped", "10.1.2.3:443", []string{"1.1.1.1, 198.51.100.1"}, trusted, "198.51.100.1"},
		{"two trusted hops", "10.1.2.3:443", []string{"198.51.100.1, 10.9.9.9"}, trusted, "198.51.100.1"},
		{"several headers", "10.1.2.3:443", []string{"1.1.1.1", "198.51.100.1"}, trusted, "198.51.100.1"},
		{"garbled hop", "10.1.2.3:443", []string{"198.51.100.1, not-an-ip"}, trusted, "10.1.2.3"},
		{"trusted proxy without header", "10.1.2.3:443", nil, trusted, "10.1.2.3"},
		{"ipv6", "[2001:db8::1]:443", nil, trusted, "2001:db8::1"},
		{"mapped ipv4 hop", "10.1.2.3:443", []string{"::ffff:198.51.100.1"}, trusted, "198.51.100.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tc.remote, Header: http.Header{}}
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientAddr(r, tc.trusted); got != tc.want {
				t.Errorf("clientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}
