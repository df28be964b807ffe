package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Under the race detector one `rcm demo` takes about 15 seconds, and
// several tests only need the database a demo leaves (and its --out
// folder) to run their commands on. demoDir runs the demo once per seed
// and gives each test an exact copy of what it left, at the very paths the
// demo wrote it to (the database keeps the clearinghouse folder's path), so
// a test sees the same bytes as if it had run the demo itself, and what
// one test writes never reaches the next.

// demoRoot holds the demos' folders; TestMain removes it.
var demoRoot struct {
	once sync.Once
	dir  string
	err  error
}

// demoSeed is one seed's demo: made once, restored for each test.
type demoSeed struct {
	once   sync.Once
	mu     sync.Mutex // held by the test using the work folder
	work   string     // where the demo ran and each test runs
	saved  string     // a copy of work as the demo left it
	stdout string
	err    error
}

var (
	demoSeedsMu sync.Mutex
	demoSeeds   = map[uint64]*demoSeed{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if demoRoot.dir != "" {
		os.RemoveAll(demoRoot.dir)
	}
	os.Exit(code)
}

// demoDir returns a folder holding demo.db, its key and out/ as
// `rcm demo --db DIR/demo.db --seed SEED --out DIR/out` leaves them, and
// that command's standard output. The folder is the test's until it ends:
// another test asking for the same seed waits.
func demoDir(t *testing.T, seed uint64) (dir, stdout string) {
	t.Helper()
	demoRoot.once.Do(func() { demoRoot.dir, demoRoot.err = os.MkdirTemp("", "rcm-test-demos-") })
	if demoRoot.err != nil {
		t.Fatal(demoRoot.err)
	}
	demoSeedsMu.Lock()
	d := demoSeeds[seed]
	if d == nil {
		d = &demoSeed{work: filepath.Join(demoRoot.dir, fmt.Sprintf("seed%d", seed)), saved: filepath.Join(demoRoot.dir, fmt.Sprintf("seed%d.saved", seed))}
		demoSeeds[seed] = d
	}
	demoSeedsMu.Unlock()
	d.mu.Lock()
	t.Cleanup(d.mu.Unlock)
	d.once.Do(func() {
		if d.err = os.MkdirAll(d.work, 0o755); d.err != nil {
			return
		}
		code, out, errOut := rcmRun(t, "", "demo", "--db", filepath.Join(d.work, "demo.db"), "--seed", fmt.Sprint(seed), "--out", filepath.Join(d.work, "out"))
		if code != 0 {
			d.err = fmt.Errorf("demo --seed %d: exit %d: %s", seed, code, errOut)
			return
		}
		d.stdout = out
		d.err = copyTree(d.work, d.saved)
	})
	if d.err != nil {
		t.Fatal(d.err)
	}
	if err := os.RemoveAll(d.work); err != nil {
		t.Fatal(err)
	}
	if err := copyTree(d.saved, d.work); err != nil {
		t.Fatal(err)
	}
	return d.work, d.stdout
}

// copyTree copies the folder src to dst (which must not exist), keeping
// each file's permissions.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := e.Info()
		if err != nil {
			return err
		}
		if e.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm())
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("copy %s: not a regular file", path)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
