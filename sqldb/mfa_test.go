package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	"github.com/pquerna/otp/totp"
)

// TestTOTP enrols the admin through one process and signs in through two:
// a code is accepted once across both, a step before the last accepted
// one never, a recovery code once; wrong codes count toward the lock, and
// an admin reset removes it all.
func TestTOTP(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db1, db2, clk := openTwice(t, dialect)
			ctx, _ := sqldbtest.Org(t, db1, "Harbor")
			a, _ := rcm.ActorFromContext(ctx)
			bg := context.Background()
			e, err := db1.BeginTOTPEnrolment(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// code is what the authenticator app shows at a time.
			code := func(at time.Time) string {
				c, err := totp.GenerateCode(e.Secret, at)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			if again, err := db2.BeginTOTPEnrolment(ctx); err != nil || again.Secret != e.Secret {
				t.Fatalf("a second look at the pending enrolment: %v, %v; want the same secret", again, err)
			}
			if err := db1.VerifySecondFactor(bg, a.UserID, code(clk.Now()), "192.0.2.1", clk.Now()); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
				t.Errorf("code before enrolment is confirmed: %v, want unauthorized", err)
			}
			if _, err := db1.ConfirmTOTPEnrolment(ctx, "12345", clk.Now()); rcm.ErrorCode(err) != rcm.EINVALID {
				t.Errorf("confirm with a five-digit code: %v, want invalid", err)
			}
			clk.Advance(time.Minute)
			codes, err := db1.ConfirmTOTPEnrolment(ctx, code(clk.Now()), clk.Now())
			if err != nil || len(codes) != 10 {
				t.Fatalf("confirm: %d codes, %v", len(codes), err)
			}
			// The secret is stored sealed, never as the key the app was given.
			var stored, sealedKey string
			if err := db1.QueryRowContext(bg, `SELECT secret, sealed_key FROM user_totp WHERE user_id = ?`, a.UserID).Scan(&stored, &sealedKey); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(stored, "enc:v1:") || strings.Contains(stored, e.Secret) || sealedKey != db1.Keyring().Current() {
				t.Errorf("stored TOTP secret %.20q under key %q: want it sealed under the current key", stored, sealedKey)
			}
			if _, err := db2.BeginTOTPEnrolment(ctx); rcm.ErrorCode(err) != rcm.ECONFLICT {
				t.Errorf("enrolling again while on: %v, want conflict", err)
			}
			res, err := db2.SignIn(bg, "harbor.admin", sqldbtest.TestPassword, "192.0.2.1")
			if err != nil || !res.SecondFactor || res.MustEnrol {
				t.Fatalf("password of a TOTP user: %+v, %v; want a second factor to come", res, err)
			}
			// The confirming code is spent; so is the step before it.
			now := clk.Now()
			for _, at := range []time.Time{now, now.Add(-30 * time.Second)} {
				if err := db2.VerifySecondFactor(bg, a.UserID, code(at), "192.0.2.1", now); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
					t.Errorf("spent code of %v: %v, want unauthorized", at, err)
				}
			}
			// Four failures so far (the password counts until the second
			// factor passes): wait out the one-second back-off. The next
			// step's code is within the skew: once, on either process.
			clk.Advance(2 * time.Second)
			next := code(now.Add(30 * time.Second))
			if err := db1.VerifySecondFactor(bg, a.UserID, next, "192.0.2.1", now); err != nil {
				t.Fatalf("next step's code: %v", err)
			}
			if err := db2.VerifySecondFactor(bg, a.UserID, next, "192.0.2.1", now); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
				t.Errorf("the same code through the other process: %v, want unauthorized", err)
			}
			if err := db2.VerifySecondFactor(bg, a.UserID, codes[3], "192.0.2.1", now); err != nil {
				t.Errorf("recovery code: %v", err)
			}
			if err := db1.VerifySecondFactor(bg, a.UserID, codes[3], "192.0.2.1", now); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
				t.Errorf("recovery code again: %v, want unauthorized", err)
			}
			st, err := db1.FindMFAStatus(ctx)
			if err != nil || !st.TOTP || st.RecoveryCodesLeft != 9 {
				t.Errorf("status: %+v, %v; want TOTP on, 9 codes left", st, err)
			}
			// Wrong codes lock the account like wrong passwords; then even
			// a right code is refused.
			clk.Advance(time.Hour)
			for range 10 {
				db1.VerifySecondFactor(bg, a.UserID, "000000", "192.0.2.1", clk.Now())
			}
			clk.Advance(2 * time.Minute)
			if err := db2.VerifySecondFactor(bg, a.UserID, code(clk.Now()), "192.0.2.1", clk.Now()); rcm.ErrorCode(err) != rcm.ETOOMANY {
				t.Errorf("right code after ten wrong ones: %v, want too many", err)
			}
			if err := db2.ResetMFA(rcm.NewContextWithActor(bg, rcm.Actor{OrgID: a.OrgID, UserID: 99, Role: rcm.RoleBiller}), "harbor.admin"); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
				t.Errorf("reset by a biller: %v, want forbidden", err)
			}
			if err := db1.CreateUISession(bg, "session-hash", &sqldb.UISession{OrgID: a.OrgID, UserID: a.UserID, CSRF: "x", CreatedAt: clk.Now(), SeenAt: clk.Now()}); err != nil {
				t.Fatal(err)
			}
			if err := db2.ResetMFA(ctx, "harbor.admin"); err != nil {
				t.Fatal(err)
			}
			if _, err := db1.FindUISession(bg, "session-hash"); rcm.ErrorCode(err) != rcm.ENOTFOUND {
				t.Errorf("the user's session after the reset: %v, want ended", err)
			}
			if st, err := db1.FindMFAStatus(ctx); err != nil || st.TOTP || st.RecoveryCodesLeft != 0 {
				t.Errorf("after reset: %+v, %v", st, err)
			}
			if _, err := db1.VerifyAuditChain(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}
