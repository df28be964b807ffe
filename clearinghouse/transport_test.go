package clearinghouse

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// fixture is a transport under test with the local paths of its folders:
// both transports end on this machine's file system, so a test plays the
// clearinghouse by writing and reading those folders directly.
type fixture struct {
	tr    Transport
	local Layout
}

// opener makes a fresh transport over new, empty folders; maxFetch sets the
// Fetch limit (0 for the default).
type opener func(t *testing.T, maxFetch int64) fixture

func newLayout(t *testing.T) Layout {
	t.Helper()
	root := t.TempDir()
	l := Layout{
		Outbound: filepath.Join(root, "out"),
		Inbound:  filepath.Join(root, "in"),
		Archive:  filepath.Join(root, "archive"),
	}
	for _, p := range []string{l.Outbound, l.Inbound, l.Archive} {
		if err := os.Mkdir(p, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func openDir(t *testing.T, maxFetch int64) fixture {
	t.Helper()
	l := newLayout(t)
	d, err := OpenDir(l)
	if err != nil {
		t.Fatal(err)
	}
	d.MaxFetchSize = maxFetch
	return fixture{tr: d, local: l}
}

func TestDir(t *testing.T) { runSuite(t, openDir) }

func errCode(err error) string {
	var e *rcm.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// files returns name -> content of the regular files in dir.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = string(b)
	}
	return m
}

func put(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
}

// runSuite holds every transport to the promises of the Transport
// interface.
func runSuite(t *testing.T, open opener) {
	ctx := context.Background()
	batch := "ISA*00*...~IEA*1*000000001~"

	t.Run("send writes the file under its name and leaves no temporary file", func(t *testing.T) {
		f := open(t, 0)
		if err := f.tr.Send(ctx, "batch-0001.x12", []byte(batch)); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]string{"batch-0001.x12": batch}, files(t, f.local.Outbound)); diff != "" {
			t.Errorf("outbound mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("resending identical content is a no-op", func(t *testing.T) {
		f := open(t, 0)
		for i := 0; i < 3; i++ {
			if err := f.tr.Send(ctx, "batch-0001.x12", []byte(batch)); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
		if diff := cmp.Diff(map[string]string{"batch-0001.x12": batch}, files(t, f.local.Outbound)); diff != "" {
			t.Errorf("outbound mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("resending different content conflicts and keeps the first", func(t *testing.T) {
		f := open(t, 0)
		if err := f.tr.Send(ctx, "batch-0001.x12", []byte(batch)); err != nil {
			t.Fatal(err)
		}
		for _, other := range []string{batch + "X", batch[:len(batch)-1], ""} {
			err := f.tr.Send(ctx, "batch-0001.x12", []byte(other))
			if errCode(err) != rcm.ECONFLICT {
				t.Errorf("send %q over existing: got %v, want %s", other, err, rcm.ECONFLICT)
			}
		}
		if diff := cmp.Diff(map[string]string{"batch-0001.x12": batch}, files(t, f.local.Outbound)); diff != "" {
			t.Errorf("outbound mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("unsafe names are refused everywhere", func(t *testing.T) {
		f := open(t, 0)
		put(t, f.local.Inbound, "ok.999", "x")
		bad := []string{
			"", ".", "..", "../x", "../../etc/passwd", "/etc/passwd", "a/b", `a\b`,
			".hidden", "x\x00y", "x\ny", "x\ry", "x\x7fy", " lead", "trail ",
			strings.Repeat("a", 256), "bad\xffutf8", "x\u0085y",
		}
		for _, name := range bad {
			if err := f.tr.Send(ctx, name, []byte("x")); errCode(err) != rcm.EINVALID {
				t.Errorf("Send(%q) = %v, want %s", name, err, rcm.EINVALID)
			}
			if _, err := f.tr.Fetch(ctx, name); errCode(err) != rcm.EINVALID {
				t.Errorf("Fetch(%q) = %v, want %s", name, err, rcm.EINVALID)
			}
			if err := f.tr.Ack(ctx, name); errCode(err) != rcm.EINVALID {
				t.Errorf("Ack(%q) = %v, want %s", name, err, rcm.EINVALID)
			}
		}
		if got := files(t, f.local.Outbound); len(got) != 0 {
			t.Errorf("outbound after bad sends: %v", got)
		}
		if got, err := os.ReadDir(filepath.Dir(f.local.Outbound)); err != nil || len(got) != 3 {
			t.Errorf("parent of the folders after bad sends: %v, %v", got, err)
		}
		if diff := cmp.Diff(map[string]string{"ok.999": "x"}, files(t, f.local.Inbound)); diff != "" {
			t.Errorf("inbound mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("list returns response files sorted, without hidden files and folders", func(t *testing.T) {
		f := open(t, 0)
		got, err := f.tr.List(ctx)
		if err != nil || len(got) != 0 {
			t.Fatalf("empty inbound: List = %v, %v", got, err)
		}
		put(t, f.local.Inbound, "b.999", "999")
		put(t, f.local.Inbound, "a 277CA.txt", "277")
		put(t, f.local.Inbound, ".upload-in-progress", "partial")
		if err := os.Mkdir(filepath.Join(f.local.Inbound, "sub"), 0o750); err != nil {
			t.Fatal(err)
		}
		got, err = f.tr.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"a 277CA.txt", "b.999"}, got); diff != "" {
			t.Errorf("List mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("list refuses an unsafe name from the server", func(t *testing.T) {
		f := open(t, 0)
		put(t, f.local.Inbound, "good.999", "999")
		put(t, f.local.Inbound, "evil\x1bname.999", "999")
		if _, err := f.tr.List(ctx); errCode(err) != rcm.EINVALID {
			t.Errorf("List = %v, want %s", err, rcm.EINVALID)
		}
	})

	t.Run("fetch reads a response within the size limit", func(t *testing.T) {
		f := open(t, 16)
		put(t, f.local.Inbound, "exact.999", strings.Repeat("9", 16))
		put(t, f.local.Inbound, "big.835", strings.Repeat("8", 17))
		got, err := f.tr.Fetch(ctx, "exact.999")
		if err != nil || string(got) != strings.Repeat("9", 16) {
			t.Errorf("Fetch(exact.999) = %q, %v", got, err)
		}
		if _, err := f.tr.Fetch(ctx, "big.835"); errCode(err) != rcm.EINVALID {
			t.Errorf("Fetch(big.835) over the limit = %v, want %s", err, rcm.EINVALID)
		}
		if _, err := f.tr.Fetch(ctx, "missing.999"); errCode(err) != rcm.ENOTFOUND {
			t.Errorf("Fetch(missing.999) = %v, want %s", err, rcm.ENOTFOUND)
		}
	})

	t.Run("ack archives a response once", func(t *testing.T) {
		f := open(t, 0)
		put(t, f.local.Inbound, "r1.999", "first")
		put(t, f.local.Inbound, "r2.277", "second")
		if err := f.tr.Ack(ctx, "r1.999"); err != nil {
			t.Fatal(err)
		}
		got, err := f.tr.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"r2.277"}, got); diff != "" {
			t.Errorf("List after Ack mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]string{"r1.999": "first"}, files(t, f.local.Archive)); diff != "" {
			t.Errorf("archive mismatch (-want +got):\n%s", diff)
		}
		if err := f.tr.Ack(ctx, "r1.999"); err != nil {
			t.Errorf("second Ack of an archived file = %v, want nil", err)
		}
		if _, err := f.tr.Fetch(ctx, "r1.999"); errCode(err) != rcm.ENOTFOUND {
			t.Errorf("Fetch after Ack = %v, want %s", err, rcm.ENOTFOUND)
		}
		if err := f.tr.Ack(ctx, "never.999"); errCode(err) != rcm.ENOTFOUND {
			t.Errorf("Ack(never.999) = %v, want %s", err, rcm.ENOTFOUND)
		}
	})

	t.Run("ack never overwrites a different archived file", func(t *testing.T) {
		f := open(t, 0)
		put(t, f.local.Inbound, "same.999", "same")
		put(t, f.local.Archive, "same.999", "same")
		put(t, f.local.Inbound, "clash.999", "new")
		put(t, f.local.Archive, "clash.999", "old")
		if err := f.tr.Ack(ctx, "same.999"); err != nil {
			t.Errorf("Ack of a file archived with identical content = %v, want nil", err)
		}
		if err := f.tr.Ack(ctx, "clash.999"); errCode(err) != rcm.ECONFLICT {
			t.Errorf("Ack of a file archived with other content = %v, want %s", err, rcm.ECONFLICT)
		}
		if diff := cmp.Diff(map[string]string{"clash.999": "new"}, files(t, f.local.Inbound)); diff != "" {
			t.Errorf("inbound mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]string{"clash.999": "old", "same.999": "same"}, files(t, f.local.Archive)); diff != "" {
			t.Errorf("archive mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("quarantine sets a file aside under a name never taken", func(t *testing.T) {
		f := open(t, 0)
		put(t, f.local.Inbound, "bad.835", "first")
		put(t, f.local.Inbound, "ok.999", "fine")
		if as, err := f.tr.Quarantine(ctx, "bad.835"); err != nil || as != "bad.835" {
			t.Fatalf("Quarantine = %q, %v", as, err)
		}
		put(t, f.local.Inbound, "bad.835", "second")
		if as, err := f.tr.Quarantine(ctx, "bad.835"); err != nil || as != "bad.835.1" {
			t.Fatalf("second Quarantine of one name = %q, %v; want bad.835.1", as, err)
		}
		got, err := f.tr.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"ok.999"}, got); diff != "" {
			t.Errorf("List after Quarantine mismatch (-want +got):\n%s", diff)
		}
		quarantine := filepath.Join(filepath.Dir(f.local.Archive), "quarantine")
		if diff := cmp.Diff(map[string]string{"bad.835": "first", "bad.835.1": "second"}, files(t, quarantine)); diff != "" {
			t.Errorf("quarantine mismatch (-want +got):\n%s", diff)
		}
		if _, err := f.tr.Quarantine(ctx, "never.835"); errCode(err) != rcm.ENOTFOUND {
			t.Errorf("Quarantine(never.835) = %v, want %s", err, rcm.ENOTFOUND)
		}
		if _, err := f.tr.Quarantine(ctx, "../ok.999"); errCode(err) != rcm.EINVALID {
			t.Errorf("Quarantine(../ok.999) = %v, want %s", err, rcm.EINVALID)
		}
	})

	t.Run("a cancelled context stops every call before it acts", func(t *testing.T) {
		f := open(t, 0)
		put(t, f.local.Inbound, "r.999", "x")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := f.tr.Send(cctx, "b.x12", []byte("x")); !errors.Is(err, context.Canceled) {
			t.Errorf("Send = %v, want context.Canceled", err)
		}
		if _, err := f.tr.List(cctx); !errors.Is(err, context.Canceled) {
			t.Errorf("List = %v, want context.Canceled", err)
		}
		if _, err := f.tr.Fetch(cctx, "r.999"); !errors.Is(err, context.Canceled) {
			t.Errorf("Fetch = %v, want context.Canceled", err)
		}
		if err := f.tr.Ack(cctx, "r.999"); !errors.Is(err, context.Canceled) {
			t.Errorf("Ack = %v, want context.Canceled", err)
		}
		if got := files(t, f.local.Outbound); len(got) != 0 {
			t.Errorf("outbound after cancelled Send: %v", got)
		}
		if diff := cmp.Diff(map[string]string{"r.999": "x"}, files(t, f.local.Inbound)); diff != "" {
			t.Errorf("inbound mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestOpenDirLayout(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name   string
		layout Layout
		code   string
	}{
		{"missing archive", Layout{Outbound: root + "/o", Inbound: root + "/i"}, rcm.EINVALID},
		{"archive is inbound", Layout{Outbound: root + "/o", Inbound: root + "/i", Archive: root + "/i"}, rcm.EINVALID},
		{"folders are created", Layout{Outbound: root + "/o", Inbound: root + "/x/i", Archive: root + "/x/a"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenDir(tt.layout)
			if errCode(err) != tt.code || (tt.code == "" && err != nil) {
				t.Fatalf("OpenDir = %v, want code %q", err, tt.code)
			}
			if tt.code == "" {
				for _, p := range []string{tt.layout.Outbound, tt.layout.Inbound, tt.layout.Archive} {
					if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
						t.Errorf("folder %s: %v", p, err)
					}
				}
			}
		})
	}
}

// FuzzCheckName: a name CheckName accepts is one plain, visible path
// element, so joining it to a folder can never leave that folder.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"batch.x12", "../x", "a/b", ".hidden", "x\x00", "..", "résumé 277CA.txt", `a\b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if CheckName(name) != nil {
			return
		}
		dir := "/srv/inbound"
		p := filepath.Join(dir, name)
		if filepath.Dir(p) != dir || filepath.Base(p) != name {
			t.Errorf("accepted %q joins to %q, outside %s", name, p, dir)
		}
		if strings.HasPrefix(name, ".") || strings.ContainsAny(name, "/\\\x00\n\r") {
			t.Errorf("accepted %q", name)
		}
	})
}
