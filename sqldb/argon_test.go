package sqldb

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// TestOlderHashesVerify: a hash made with the earlier parameters (64 MiB, 3
// passes) still verifies after the change to lighter ones, because the
// parameters travel in the hash (issue 16); new hashes carry the new ones.
func TestOlderHashesVerify(t *testing.T) {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("an older password"), salt, 3, 64*1024, 1, 32)
	b64 := base64.RawStdEncoding
	old := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, 64*1024, 3, 1, b64.EncodeToString(salt), b64.EncodeToString(key))
	if !CheckPassword(old, "an older password") {
		t.Error("a 64 MiB, 3-pass hash no longer verifies")
	}
	if CheckPassword(old, "another password") {
		t.Error("a 64 MiB, 3-pass hash verifies a wrong password")
	}
	h, err := HashPassword("a new password")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("$m=%d,t=%d,p=%d$", argonMemory, argonTime, argonThreads); !strings.Contains(h, want) {
		t.Errorf("new hash %q lacks %s", h, want)
	}
	if !CheckPassword(h, "a new password") {
		t.Error("a new hash does not verify")
	}
}
