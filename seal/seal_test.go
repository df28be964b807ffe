package seal_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/seal"
)

func key(t testing.TB, id string, fill byte) seal.Key {
	t.Helper()
	k := seal.Key{ID: id}
	for i := range k.Secret {
		k.Secret[i] = fill + byte(i)
	}
	return k
}

func ring(t testing.TB, keys ...seal.Key) *seal.Keyring {
	t.Helper()
	k, err := seal.NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const aad = "coverage\x00member_id\x007\x0042"

func TestRoundTrip(t *testing.T) {
	k := ring(t, key(t, "a", 1))
	for _, pt := range []string{"", "1EG4TE5MK73", strings.Repeat("note ", 2000), "ünïcode ✓"} {
		v, err := k.Seal([]byte(pt), aad)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(v, "enc:v1:a:") {
			t.Errorf("sealed value %.20q lacks the enc:v1:a: prefix", v)
		}
		if pt != "" && strings.Contains(v, pt) {
			t.Errorf("sealed value shows its plaintext")
		}
		got, err := k.Open(v, aad)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(pt, string(got)); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
		if id, ok := seal.KeyID(v); !ok || id != "a" {
			t.Errorf("KeyID = %q, %v; want a", id, ok)
		}
	}
	// Two seals of one value differ: a fresh data key and nonce each time.
	v1, _ := k.Seal([]byte("same"), aad)
	v2, _ := k.Seal([]byte("same"), aad)
	if v1 == v2 {
		t.Error("sealing one value twice gave the same text")
	}
}

// Every byte of a sealed value is authenticated: flipping any one, or
// opening with the associated data of another row, column or
// organization, fails with ErrOpen and gives no plaintext.
func TestTamper(t *testing.T) {
	k := ring(t, key(t, "a", 1))
	v, err := k.Seal([]byte("1EG4TE5MK73"), aad)
	if err != nil {
		t.Fatal(err)
	}
	enc := strings.TrimPrefix(v, "enc:v1:a:")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		bad := append([]byte(nil), raw...)
		bad[i] ^= 0x01
		got, err := k.Open("enc:v1:a:"+base64.RawURLEncoding.EncodeToString(bad), aad)
		if !errors.Is(err, seal.ErrOpen) || got != nil {
			t.Fatalf("byte %d flipped: Open = %q, %v; want ErrOpen", i, got, err)
		}
	}
	for _, other := range []string{
		"coverage\x00member_id\x007\x0043", // another row
		"coverage\x00member_id\x008\x0042", // another organization
		"encounter\x00note\x007\x0042",     // another column
		"",
	} {
		if _, err := k.Open(v, other); !errors.Is(err, seal.ErrOpen) {
			t.Errorf("Open with aad %q = %v; want ErrOpen", other, err)
		}
	}
	if !strings.Contains(seal.ErrOpen.Error(), "altered") {
		t.Errorf("ErrOpen says %q; want it to say the value was altered", seal.ErrOpen)
	}
	// A value relabelled with another key id of the ring does not open.
	k2 := ring(t, key(t, "a", 1), key(t, "b", 2))
	if _, err := k2.Open("enc:v1:b:"+enc, aad); !errors.Is(err, seal.ErrOpen) {
		t.Errorf("relabelled key id: %v; want ErrOpen", err)
	}
	for _, bad := range []string{"plain", "enc:v1:", "enc:v1:a", "enc:v1:a:!!!", "enc:v1:a:AAAA", "enc:v1:b@d:" + enc} {
		if _, err := k.Open(bad, aad); !errors.Is(err, seal.ErrFormat) {
			t.Errorf("Open(%q) = %v; want ErrFormat", bad, err)
		}
	}
	if _, err := k.Open("enc:v1:zz:"+enc, aad); !errors.Is(err, seal.ErrUnknownKey) || !strings.Contains(err.Error(), `"zz"`) {
		t.Errorf("unknown key: %v; want ErrUnknownKey naming zz", err)
	}
}

// Values sealed under an old key open after a new key is added; Rewrap
// moves them to the new key, after which the old key can go.
func TestRotation(t *testing.T) {
	old, next := key(t, "old", 1), key(t, "new", 9)
	v, err := ring(t, old).Seal([]byte("note text"), aad)
	if err != nil {
		t.Fatal(err)
	}
	both := ring(t, old, next)
	if both.Current() != "new" {
		t.Fatalf("Current = %q; want the last key", both.Current())
	}
	if got, err := both.Open(v, aad); err != nil || string(got) != "note text" {
		t.Fatalf("old value with both keys: %q, %v", got, err)
	}
	w, changed, err := both.Rewrap(v, aad)
	if err != nil || !changed {
		t.Fatalf("Rewrap = %v, %v", changed, err)
	}
	if id, _ := seal.KeyID(w); id != "new" {
		t.Errorf("rewrapped under %q; want new", id)
	}
	if _, changed, err := both.Rewrap(w, aad); err != nil || changed {
		t.Errorf("second Rewrap = %v, %v; want unchanged", changed, err)
	}
	if got, err := ring(t, next).Open(w, aad); err != nil || string(got) != "note text" {
		t.Errorf("rewrapped value with the new key only: %q, %v", got, err)
	}
	if _, err := ring(t, next).Open(v, aad); !errors.Is(err, seal.ErrUnknownKey) {
		t.Errorf("old value without the old key: %v; want ErrUnknownKey", err)
	}
	// A damaged value is not carried over to the new key. The damage is a
	// character in the middle, where every bit counts: changing the last
	// base64 characters can touch only padding bits, or nothing when they
	// already were the replacement, which let this test pass a value through.
	damaged := []byte(v)
	if i := len(damaged) / 2; damaged[i] == 'A' {
		damaged[i] = 'B'
	} else {
		damaged[i] = 'A'
	}
	if _, _, err := both.Rewrap(string(damaged), aad); !errors.Is(err, seal.ErrOpen) {
		t.Errorf("Rewrap of a damaged value: %v; want ErrOpen", err)
	}
	if _, _, err := both.Rewrap(v, "other"); !errors.Is(err, seal.ErrOpen) {
		t.Errorf("Rewrap with another aad: %v; want ErrOpen", err)
	}
}

func TestIndex(t *testing.T) {
	k := ring(t, key(t, "a", 1), key(t, "b", 2))
	a1, _ := k.Index("a", "org7", "1EG4TE5MK73")
	a2, _ := k.Index("a", "org7", "1EG4TE5MK73")
	if a1 != a2 || len(a1) != 32 {
		t.Errorf("index is not stable 32 hex digits: %q %q", a1, a2)
	}
	for name, other := range map[string][2]string{
		"another value": {"org7", "1EG4TE5MK74"},
		"another scope": {"org8", "1EG4TE5MK73"},
	} {
		if got, _ := k.Index("a", other[0], other[1]); got == a1 {
			t.Errorf("%s has the same index", name)
		}
	}
	if b, _ := k.Index("b", "org7", "1EG4TE5MK73"); b == a1 {
		t.Error("two keys give the same index")
	}
	if diff := cmp.Diff(2, len(k.Indexes("org7", "x"))); diff != "" {
		t.Errorf("Indexes mismatch (-want +got):\n%s", diff)
	}
	if _, err := k.Index("zz", "org7", "x"); !errors.Is(err, seal.ErrUnknownKey) {
		t.Errorf("Index under an unknown key: %v", err)
	}
}

func TestNewKeyringRefuses(t *testing.T) {
	tests := []struct {
		name string
		keys []seal.Key
		want string
	}{
		{"none", nil, "no keys"},
		{"bad id", []seal.Key{key(t, "a:b", 1)}, "must be 1 to 32"},
		{"empty id", []seal.Key{key(t, "", 1)}, "must be 1 to 32"},
		{"twice", []seal.Key{key(t, "a", 1), key(t, "a", 2)}, "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := seal.NewKeyring(tt.keys...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewKeyring = %v; want %q", err, tt.want)
			}
		})
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys")
	first, err := seal.AppendNewKey(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("new key file mode %04o; want 0600", st.Mode().Perm())
	}
	second, err := seal.AppendNewKey(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	k, err := seal.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{first.ID, second.ID}, k.IDs()); diff != "" {
		t.Errorf("key ids mismatch (-want +got):\n%s", diff)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := seal.LoadFile(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("LoadFile of a 0644 file = %v; want a refusal naming chmod 600", err)
	}
	before, _ := os.ReadFile(path)
	if _, err := seal.AppendNewKey(path, nil); err == nil {
		t.Error("AppendNewKey to a 0644 file succeeded")
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("a refused AppendNewKey changed the file")
	}
}

func TestParseKeysRefuses(t *testing.T) {
	good := key(t, "a", 1).Line()
	tests := []struct{ name, text, want string }{
		{"empty", "# only a comment\n\n", "holds no key"},
		{"no colon", "abc\n", `line 1: want "id:base64key"`},
		{"bad id", "a b:" + strings.SplitN(good, ":", 2)[1], `line 1: key id "a b"`},
		{"not base64", "# c\na:***\n", "line 2: key a is not base64"},
		{"short", "a:" + base64.StdEncoding.EncodeToString(make([]byte, 16)), "16 bytes; want 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := seal.ParseKeys(strings.NewReader(tt.text), "f")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseKeys = %v; want %q", err, tt.want)
			}
		})
	}
	// The secret never appears in an error.
	secret := base64.StdEncoding.EncodeToString(make([]byte, 31))
	if _, err := seal.ParseKeys(strings.NewReader("a:"+secret), "f"); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("error %v quotes the secret", err)
	}
}

func TestParseEnv(t *testing.T) {
	a, b := key(t, "a", 1), key(t, "b", 2)
	k, err := seal.ParseEnv(a.Line() + "," + b.Line())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, k.IDs()); diff != "" {
		t.Errorf("ids mismatch (-want +got):\n%s", diff)
	}
	k, err = seal.ParseEnv(base64.StdEncoding.EncodeToString(a.Secret[:]))
	if err != nil || k.Current() != "env" {
		t.Errorf("bare key: %v, %v; want id env", k, err)
	}
	for _, bad := range []string{"", "nope", "a:" + base64.StdEncoding.EncodeToString(a.Secret[:4])} {
		if _, err := seal.ParseEnv(bad); err == nil || !strings.Contains(err.Error(), "RCM_KEY") {
			t.Errorf("ParseEnv(%q) = %v; want an error naming RCM_KEY", bad, err)
		}
	}
}

func BenchmarkSeal(b *testing.B) {
	k := ring(b, key(b, "a", 1))
	note := []byte(strings.Repeat("Established patient, follow-up of hypertension. ", 10))
	b.ReportAllocs()
	b.SetBytes(int64(len(note)))
	for b.Loop() {
		if _, err := k.Seal(note, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	k := ring(b, key(b, "a", 1))
	note := []byte(strings.Repeat("Established patient, follow-up of hypertension. ", 10))
	v, err := k.Seal(note, aad)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(note)))
	for b.Loop() {
		if _, err := k.Open(v, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIndex(b *testing.B) {
	k := ring(b, key(b, "a", 1))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Index("a", "7", "1EG4TE5MK73"); err != nil {
			b.Fatal(err)
		}
	}
}
