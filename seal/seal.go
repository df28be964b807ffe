// Package seal encrypts single values at rest with AES-256-GCM envelope
// encryption, for the few fields whose exposure hurts most (member IDs, a
// subscriber's date of birth, the clinical note).
//
// Each value gets its own random data key; the data key is wrapped by a
// key-encryption key (KEK) from a Keyring, and the result is one
// self-describing text value:
//
//	enc:v1:<kek-id>:<base64url(wrap nonce | wrapped data key | nonce | ciphertext)>
//
// The KEK id travels with the value, so any key of the keyring opens it and
// the newest key seals new values; rotating to a new KEK re-wraps the 32-byte
// data key and leaves the ciphertext as it is. Both layers take associated
// data (the caller's table, column, organization and row), so a value copied
// into another row, column or organization does not open.
//
// A blind index (HMAC-SHA256 under a key derived from the KEK) lets a store
// find a row by an exact value without decrypting every row.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Prefix starts every sealed value; text without it was never sealed.
const Prefix = "enc:v1:"

// KeySize is the length of a key-encryption key: AES-256.
const KeySize = 32

const (
	nonceSize  = 12
	tagSize    = 16
	wrappedDEK = KeySize + tagSize
	// headerSize is everything before the data ciphertext.
	headerSize = nonceSize + wrappedDEK + nonceSize
)

// Errors a caller can tell apart with errors.Is.
var (
	// ErrUnknownKey means the value was sealed under a key the keyring does
	// not hold: the key file lacks a key that was removed too early.
	ErrUnknownKey = errors.New("sealed under a key the keyring does not hold")
	// ErrOpen means authentication failed: the value was altered, or it
	// was sealed for another row, column or organization.
	ErrOpen = errors.New("sealed value does not open: it was altered or belongs to another row, column or organization")
	// ErrFormat means the text is not a sealed value of this version.
	ErrFormat = errors.New("not a sealed value")
)

// Key is one key-encryption key.
type Key struct {
	// ID names the key inside sealed values and the key file: 1 to 32
	// letters, digits, '-' or '_'.
	ID     string
	Secret [KeySize]byte
}

type kek struct {
	id    string
	aead  cipher.AEAD
	index []byte // HMAC key of the blind index, derived from the KEK
}

// Keyring holds the key-encryption keys, oldest first. The newest seals;
// any of them opens.
type Keyring struct {
	keys []*kek
	byID map[string]*kek
	// Rand supplies data keys and nonces; nil means crypto/rand.
	Rand io.Reader
}

// NewKeyring returns a keyring of keys given oldest first. It refuses an
// empty list, a bad id and a repeated id.
func NewKeyring(keys ...Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("keyring: no keys")
	}
	k := &Keyring{byID: make(map[string]*kek, len(keys))}
	for _, key := range keys {
		if !validID(key.ID) {
			return nil, fmt.Errorf("keyring: key id %q must be 1 to 32 letters, digits, '-' or '_'", key.ID)
		}
		if _, dup := k.byID[key.ID]; dup {
			return nil, fmt.Errorf("keyring: key id %q appears twice", key.ID)
		}
		block, err := aes.NewCipher(key.Secret[:])
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		// The index key is derived, not the KEK itself, so an HMAC and a
		// GCM operation never share a key.
		index, err := hkdf.Key(sha256.New, key.Secret[:], nil, "openrcm seal v1 blind index", 32)
		if err != nil {
			return nil, err
		}
		e := &kek{id: key.ID, aead: aead, index: index}
		k.keys = append(k.keys, e)
		k.byID[key.ID] = e
	}
	return k, nil
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 32 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Current returns the id of the newest key, the one that seals.
func (k *Keyring) Current() string { return k.keys[len(k.keys)-1].id }

// IDs returns the key ids, oldest first.
func (k *Keyring) IDs() []string {
	ids := make([]string, len(k.keys))
	for i, e := range k.keys {
		ids[i] = e.id
	}
	return ids
}

// Has reports whether the keyring holds the key id.
func (k *Keyring) Has(id string) bool { _, ok := k.byID[id]; return ok }

func (k *Keyring) rand() io.Reader {
	if k.Rand != nil {
		return k.Rand
	}
	return rand.Reader
}

func wrapAAD(kid, aad string) []byte { return []byte("openrcm seal v1 wrap\x00" + kid + "\x00" + aad) }
func dataAAD(aad string) []byte      { return []byte("openrcm seal v1 data\x00" + aad) }

// Seal encrypts plaintext under a fresh data key wrapped by the newest key.
// aad names where the value lives (table, column, organization, row); Open
// must be given the same.
func (k *Keyring) Seal(plaintext []byte, aad string) (string, error) {
	cur := k.keys[len(k.keys)-1]
	buf := make([]byte, headerSize, headerSize+len(plaintext)+tagSize)
	// One read for the data key and both nonces: the random source is a
	// system call per read.
	var rnd [KeySize + 2*nonceSize]byte
	if _, err := io.ReadFull(k.rand(), rnd[:]); err != nil {
		return "", fmt.Errorf("seal: random: %w", err)
	}
	dek := rnd[:KeySize]
	copy(buf[:nonceSize], rnd[KeySize:KeySize+nonceSize])
	copy(buf[nonceSize+wrappedDEK:headerSize], rnd[KeySize+nonceSize:])
	cur.aead.Seal(buf[nonceSize:nonceSize], buf[:nonceSize], dek, wrapAAD(cur.id, aad))
	data, err := dataCipher(dek)
	if err != nil {
		return "", err
	}
	buf = data.Seal(buf, buf[nonceSize+wrappedDEK:headerSize], plaintext, dataAAD(aad))
	return Prefix + cur.id + ":" + base64.RawURLEncoding.EncodeToString(buf), nil
}

func dataCipher(dek []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(dek)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// split parses a sealed value into its key id and raw bytes.
func split(value string) (string, []byte, error) {
	rest, ok := strings.CutPrefix(value, Prefix)
	if !ok {
		return "", nil, ErrFormat
	}
	id, enc, ok := strings.Cut(rest, ":")
	if !ok || !validID(id) {
		return "", nil, fmt.Errorf("%w: no key id", ErrFormat)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if len(raw) < headerSize+tagSize {
		return "", nil, fmt.Errorf("%w: %d bytes is too short", ErrFormat, len(raw))
	}
	return id, raw, nil
}

// KeyID returns the id of the key a sealed value is under, and false for
// text that is not a sealed value.
func KeyID(value string) (string, bool) {
	rest, ok := strings.CutPrefix(value, Prefix)
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, ":")
	return id, ok && validID(id)
}

// IsSealed reports whether text has the form of a sealed value.
func IsSealed(value string) bool { return strings.HasPrefix(value, Prefix) }

// unwrap returns the data key of a sealed value.
func (k *Keyring) unwrap(id string, raw []byte, aad string) ([]byte, error) {
	e, ok := k.byID[id]
	if !ok {
		return nil, fmt.Errorf("key %q: %w", id, ErrUnknownKey)
	}
	dek, err := e.aead.Open(nil, raw[:nonceSize], raw[nonceSize:nonceSize+wrappedDEK], wrapAAD(id, aad))
	if err != nil {
		return nil, ErrOpen
	}
	return dek, nil
}

// Open decrypts a sealed value with the aad it was sealed with.
func (k *Keyring) Open(value, aad string) ([]byte, error) {
	id, raw, err := split(value)
	if err != nil {
		return nil, err
	}
	dek, err := k.unwrap(id, raw, aad)
	if err != nil {
		return nil, err
	}
	data, err := dataCipher(dek)
	if err != nil {
		return nil, err
	}
	pt, err := data.Open(nil, raw[nonceSize+wrappedDEK:headerSize], raw[headerSize:], dataAAD(aad))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// Rewrap returns the value with its data key wrapped by the newest key, and
// whether that changed anything. The data ciphertext is kept, but the whole
// value is authenticated first, so a damaged value is reported, not carried
// over to the new key.
func (k *Keyring) Rewrap(value, aad string) (string, bool, error) {
	id, raw, err := split(value)
	if err != nil {
		return "", false, err
	}
	if _, err := k.Open(value, aad); err != nil {
		return "", false, err
	}
	cur := k.keys[len(k.keys)-1]
	if id == cur.id {
		return value, false, nil
	}
	dek, err := k.unwrap(id, raw, aad)
	if err != nil {
		return "", false, err
	}
	out := make([]byte, len(raw))
	copy(out, raw)
	if _, err := io.ReadFull(k.rand(), out[:nonceSize]); err != nil {
		return "", false, fmt.Errorf("seal: nonce: %w", err)
	}
	cur.aead.Seal(out[nonceSize:nonceSize], out[:nonceSize], dek, wrapAAD(cur.id, aad))
	return Prefix + cur.id + ":" + base64.RawURLEncoding.EncodeToString(out), true, nil
}

// Index returns the blind index of value under key id: a keyed hash that
// finds equal values without revealing them. scope (for example the
// organization) keeps equal values of two scopes from matching.
func (k *Keyring) Index(id, scope, value string) (string, error) {
	e, ok := k.byID[id]
	if !ok {
		return "", fmt.Errorf("key %q: %w", id, ErrUnknownKey)
	}
	m := hmac.New(sha256.New, e.index)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(value))
	// 128 bits: enough that two member IDs never share an index by chance.
	return hex.EncodeToString(m.Sum(nil)[:16]), nil
}

// Indexes returns the blind index of value under every key, for a lookup
// while rows are still indexed under older keys.
func (k *Keyring) Indexes(scope, value string) []string {
	out := make([]string, len(k.keys))
	for i, e := range k.keys {
		out[i], _ = k.Index(e.id, scope, value)
	}
	return out
}
