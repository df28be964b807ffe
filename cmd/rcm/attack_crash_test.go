package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openrcm/openrcm/remit"
)

// The crash and race tests run rcm in child processes: the test binary
// itself, started with attackChildEnv set to the command line (one
// argument a line). With attackStallEnv set to N, the child's posting
// stops at its N-th write, creates the file attackMarkEnv names, and waits
// there to be killed.
const (
	attackChildEnv = "RCM_ATTACK_CHILD_ARGS"
	attackStallEnv = "RCM_ATTACK_STALL_AT"
	attackMarkEnv  = "RCM_ATTACK_STALL_MARK"
)

func init() {
	args := os.Getenv(attackChildEnv)
	if args == "" {
		return
	}
	ctx := context.Background()
	if n, err := strconv.Atoi(os.Getenv(attackStallEnv)); err == nil {
		mark := os.Getenv(attackMarkEnv)
		ctx = remit.WithWriteHook(ctx, func(w int) error {
			if w == n {
				os.WriteFile(mark, []byte("stalled"), 0o600)
				select {} // until SIGKILL
			}
			return nil
		})
	}
	env := &Env{Stdin: strings.NewReader(""), Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(Run(ctx, env, strings.Split(args, "\n")))
}

// child returns the command that runs rcm args in a child process.
func child(t *testing.T, extraEnv []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), attackChildEnv+"="+strings.Join(args, "\n"))
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

// TestAttackKilledMidPosting kills rcm era post with SIGKILL in the middle
// of posting an 835 (after its first, third and tenth write): nothing of
// the 835 is stored, the ledger checks, and posting the file again posts
// it once.
func TestAttackKilledMidPosting(t *testing.T) {
	for _, at := range []int{1, 3, 10} {
		t.Run("write "+strconv.Itoa(at), func(t *testing.T) {
			dbPath, file := eraDB(t)
			_, before, _ := rcmRun(t, "", "ledger", "check", "--db", dbPath)
			mark := filepath.Join(t.TempDir(), "stalled")
			cmd := child(t, []string{attackStallEnv + "=" + strconv.Itoa(at), attackMarkEnv + "=" + mark}, "era", "post", "--db", dbPath, file)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			deadline := time.After(60 * time.Second)
		wait:
			for {
				select {
				case err := <-done:
					t.Fatalf("rcm era post ended before its write %d: %v", at, err)
				case <-deadline:
					cmd.Process.Kill()
					t.Fatalf("rcm era post never reached its write %d", at)
				case <-time.After(10 * time.Millisecond):
					if _, err := os.Stat(mark); err == nil {
						break wait
					}
				}
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err := <-done
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child ended with %v, want killed", err)
			}
			code, after, errOut := rcmRun(t, "", "ledger", "check", "--db", dbPath)
			if code != 0 || after != before {
				t.Fatalf("after the kill the ledger check says (exit %d):\n%s%s\nwant as before:\n%s", code, after, errOut, before)
			}
			if code, out, errOut := rcmRun(t, "", "era", "post", "--db", dbPath, file); code != 0 || !strings.Contains(out, "1 posted") {
				t.Fatalf("posting again after the kill: exit %d %s %s", code, out, errOut)
			}
			if code, out, _ := rcmRun(t, "", "era", "post", "--db", dbPath, file); code != 0 || !strings.Contains(out, "already posted") {
				t.Fatalf("a third time: exit %d %s", code, out)
			}
			if _, out, _ := rcmRun(t, "", "ledger", "check", "--db", dbPath); !strings.Contains(out, "Remittances (1)") {
				t.Errorf("after the kill and two posts:\n%s", out)
			}
		})
	}
}

// TestAttackProcessesRaceToPost starts six rcm era post processes on one
// 835 at once: exactly one posts it, every other reports it already
// posted, and the ledger checks.
func TestAttackProcessesRaceToPost(t *testing.T) {
	dbPath, file := eraDB(t)
	const n = 6
	outs := make([]string, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := child(t, nil, "era", "post", "--db", dbPath, file).CombinedOutput()
			outs[i] = string(out)
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				codes[i] = exit.ExitCode()
			} else if err != nil {
				codes[i] = -1
			}
		}()
	}
	wg.Wait()
	posted, already := 0, 0
	for i := range n {
		switch {
		case codes[i] == 0 && strings.Contains(outs[i], "1 posted"):
			posted++
		case codes[i] == 0 && strings.Contains(outs[i], "already posted"):
			already++
		default:
			t.Errorf("process %d: exit %d\n%s", i, codes[i], outs[i])
		}
	}
	if posted != 1 || already != n-1 {
		t.Errorf("%d posted, %d already posted; want 1 and %d", posted, already, n-1)
	}
	if code, out, _ := rcmRun(t, "", "ledger", "check", "--db", dbPath); code != 0 || !strings.Contains(out, "Remittances (1)") {
		t.Errorf("ledger check after the race: exit %d\n%s", code, out)
	}
}
