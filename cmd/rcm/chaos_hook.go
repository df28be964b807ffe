//go:build rcmchaos

package main

import (
	"context"
	"os"
	"strconv"

	"github.com/openrcm/openrcm/remit"
)

// A binary built with -tags rcmchaos (the multi-process test builds one;
// releases never are) can be told to stall in the middle of posting an
// 835, so a test can kill it there with SIGKILL: with RCM_CHAOS_STALL_AT=N
// the process's posting stops at its N-th write, creates the file
// RCM_CHAOS_STALL_MARK names (holding its process id) and waits to be
// killed. Only the first process to create the mark stalls, so the job a
// killed worker hands back is then posted by whichever worker takes it.
func init() {
	testHooks = func(ctx context.Context) context.Context {
		n, err := strconv.Atoi(os.Getenv("RCM_CHAOS_STALL_AT"))
		if err != nil {
			return ctx
		}
		mark := os.Getenv("RCM_CHAOS_STALL_MARK")
		return remit.WithWriteHook(ctx, func(w int) error {
			if w != n {
				return nil
			}
			f, err := os.OpenFile(mark, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return nil // another process stalled already
			}
			f.WriteString(strconv.Itoa(os.Getpid()))
			f.Close()
			select {} // until SIGKILL
		})
	}
}
