package rcm_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// TestAccountThrottle replays attempts against the account policy on a
// clock the test moves, and checks the wait each attempt meets. The
// issue's case: forty wrong passwords in 24 seconds were all tested.
func TestAccountThrottle(t *testing.T) {
	p := rcm.AccountThrottle
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	type step struct {
		at   time.Duration // since t0
		wait time.Duration // the wait the attempt meets
	}
	var s rcm.ThrottleState
	var got []step
	// One failed attempt every 100 ms, as a script would send them.
	for i := range 12 {
		now := t0.Add(time.Duration(i) * 100 * time.Millisecond)
		got = append(got, step{time.Duration(i) * 100 * time.Millisecond, p.Wait(s, now)})
		s = p.Fail(s, now)
	}
	want := []step{
		{0, 0}, {100 * time.Millisecond, 0}, {200 * time.Millisecond, 0},
		// The fourth failure starts a one-second wait; attempts during it
		// are refused but counted.
		{300 * time.Millisecond, 0},
		{400 * time.Millisecond, 900 * time.Millisecond}, {500 * time.Millisecond, 800 * time.Millisecond},
		{600 * time.Millisecond, 700 * time.Millisecond}, {700 * time.Millisecond, 600 * time.Millisecond},
		{800 * time.Millisecond, 500 * time.Millisecond}, {900 * time.Millisecond, 400 * time.Millisecond},
		// The tenth locked the account for 15 minutes; more attempts do
		// not extend the lock.
		{time.Second, 15*time.Minute - 100*time.Millisecond}, {1100 * time.Millisecond, 15*time.Minute - 200*time.Millisecond},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(step{})); diff != "" {
		t.Errorf("waits mismatch (-want +got):\n%s", diff)
	}
	if !s.Locked || s.Failures != 12 {
		t.Errorf("after 12 failures: %+v, want locked with 12 failures", s)
	}
	// The cooling time ends the lock and starts the count again.
	after := t0.Add(900*time.Millisecond + 15*time.Minute)
	if w := p.Wait(s, after); w != 0 {
		t.Errorf("after the cooling time: wait %v, want 0", w)
	}
	if s2 := p.Fail(s, after); s2.Locked || s2.Failures != 1 {
		t.Errorf("first failure after the lock ended: %+v, want 1 failure, unlocked", s2)
	}
	// A success clears an account's record.
	if s2 := p.Succeed(s, t0.Add(2*time.Second), true); s2 != (rcm.ThrottleState{}) {
		t.Errorf("success on an account: %+v, want a clean record", s2)
	}
}

// TestThrottleBackOff checks the doubling, its cap and Forget.
func TestThrottleBackOff(t *testing.T) {
	p := rcm.ThrottlePolicy{Free: 2, Base: time.Second, Max: 10 * time.Second, Forget: time.Hour}
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	now := t0
	var s rcm.ThrottleState
	var waits []time.Duration
	// Each attempt comes exactly when the previous wait ends.
	for range 8 {
		s = p.Fail(s, now)
		w := p.Wait(s, now)
		waits = append(waits, w)
		now = now.Add(w)
	}
	want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	if diff := cmp.Diff(want, waits); diff != "" {
		t.Errorf("waits mismatch (-want +got):\n%s", diff)
	}
	if s.Locked {
		t.Error("a policy without LockAfter locked")
	}
	// An hour without failures forgets them.
	if s2 := p.Fail(s, now.Add(time.Hour)); s2.Failures != 1 {
		t.Errorf("after an idle hour: %d failures, want 1", s2.Failures)
	}
	// A success on an address gives back one failure only.
	if s2 := p.Succeed(s, now, false); s2.Failures != 7 {
		t.Errorf("success on an address: %d failures, want 7", s2.Failures)
	}
}

func TestRetryError(t *testing.T) {
	err := &rcm.RetryError{Err: rcm.Errorf(rcm.ETOOMANY, "Wait."), After: 3 * time.Second}
	if rcm.ErrorCode(err) != rcm.ETOOMANY || rcm.ErrorMessage(err) != "Wait." || rcm.RetryAfter(err) != 3*time.Second {
		t.Errorf("RetryError: code %q message %q after %v", rcm.ErrorCode(err), rcm.ErrorMessage(err), rcm.RetryAfter(err))
	}
	if rcm.RetryAfter(rcm.Errorf(rcm.EINVALID, "x")) != 0 {
		t.Error("RetryAfter of another error is not zero")
	}
}
