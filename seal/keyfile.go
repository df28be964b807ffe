package seal

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// A key file holds one key a line, "id:base64key", oldest first; blank
// lines and lines starting with # are ignored. The last key seals.

// ParseKeys reads keys in the key file format. name says where they came
// from in error messages; a secret is never quoted.
func ParseKeys(r io.Reader, name string) ([]Key, error) {
	var keys []Key
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := parseKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, n, err)
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no key", name)
	}
	return keys, nil
}

func parseKey(s string) (Key, error) {
	id, enc, ok := strings.Cut(s, ":")
	if !ok {
		return Key{}, errors.New(`want "id:base64key"`)
	}
	if !validID(id) {
		return Key{}, fmt.Errorf("key id %q must be 1 to 32 letters, digits, '-' or '_'", id)
	}
	secret, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return Key{}, fmt.Errorf("key %s is not base64", id)
	}
	if len(secret) != KeySize {
		return Key{}, fmt.Errorf("key %s is %d bytes; want %d (AES-256)", id, len(secret), KeySize)
	}
	k := Key{ID: id}
	copy(k.Secret[:], secret)
	return k, nil
}

// LoadFile reads a keyring from a key file, which must be readable by its
// owner only (mode 0600 or 0400): a key others can read protects nothing.
func LoadFile(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	defer f.Close()
	if err := checkMode(f, path); err != nil {
		return nil, err
	}
	keys, err := ParseKeys(f, "key file "+path)
	if err != nil {
		return nil, err
	}
	k, err := NewKeyring(keys...)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

func checkMode(f *os.File, path string) error {
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("key file %s is not a regular file", path)
	}
	if m := st.Mode().Perm(); m&0o077 != 0 {
		return fmt.Errorf("key file %s has mode %04o: others can read it; run chmod 600 %s", path, m, path)
	}
	return nil
}

// ParseEnv reads a keyring from the value of an environment variable: keys
// in the key file format separated by commas, oldest first, or one bare
// base64 key, whose id is then "env".
func ParseEnv(s string) (*Keyring, error) {
	s = strings.TrimSpace(s)
	var keys []Key
	if !strings.Contains(s, ":") {
		k, err := parseKey("env:" + s)
		if err != nil {
			return nil, fmt.Errorf("RCM_KEY: %w", err)
		}
		keys = append(keys, k)
	} else {
		var err error
		keys, err = ParseKeys(strings.NewReader(strings.ReplaceAll(s, ",", "\n")), "RCM_KEY")
		if err != nil {
			return nil, err
		}
	}
	k, err := NewKeyring(keys...)
	if err != nil {
		return nil, fmt.Errorf("RCM_KEY: %w", err)
	}
	return k, nil
}

// GenerateKey makes a key with a random secret and a random id ("k" and
// eight hex digits), reading from r (nil means crypto/rand).
func GenerateKey(r io.Reader) (Key, error) {
	if r == nil {
		r = rand.Reader
	}
	var k Key
	var id [4]byte
	if _, err := io.ReadFull(r, id[:]); err != nil {
		return k, err
	}
	if _, err := io.ReadFull(r, k.Secret[:]); err != nil {
		return k, err
	}
	k.ID = "k" + hex.EncodeToString(id[:])
	return k, nil
}

// Line returns the key's line in the key file format.
func (k Key) Line() string {
	return k.ID + ":" + base64.StdEncoding.EncodeToString(k.Secret[:])
}

// AppendNewKey adds a new key to the key file at path, creating the file
// with mode 0600 if it does not exist, and returns the key. The new key is
// last, so it seals from then on; the older keys still open what they
// sealed. An existing file must be private and hold only valid keys.
func AppendNewKey(path string, r io.Reader) (Key, error) {
	k, err := GenerateKey(r)
	if err != nil {
		return k, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		f, err = os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
		if err != nil {
			return k, fmt.Errorf("key file: %w", err)
		}
		defer f.Close()
		if err := checkMode(f, path); err != nil {
			return k, err
		}
		old, err := io.ReadAll(f)
		if err != nil {
			return k, fmt.Errorf("key file %s: %w", path, err)
		}
		keys, err := ParseKeys(bytes.NewReader(old), "key file "+path)
		if err != nil {
			return k, err
		}
		if _, err := NewKeyring(append(keys, k)...); err != nil {
			return k, fmt.Errorf("key file %s: %w", path, err)
		}
		if len(old) > 0 && old[len(old)-1] != '\n' {
			if _, err := f.WriteString("\n"); err != nil {
				return k, err
			}
		}
	} else if err != nil {
		return k, fmt.Errorf("key file: %w", err)
	} else {
		defer f.Close()
	}
	if _, err := f.WriteString(k.Line() + "\n"); err != nil {
		return k, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, f.Sync()
}
