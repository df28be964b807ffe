package rcm

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The effective permissions of a token's actor are its role's within its
// scope; an actor without a scope (workbench, command line) has its role's.
func TestActorCanIsRoleWithinScope(t *testing.T) {
	perms := []string{PermReadPatients, PermWritePatients, PermWriteSetup, PermCode, PermBill, PermReadAudit, PermManageUsers, PermAuditCoding}
	tests := []struct {
		role, scope string
		want        []string
	}{
		{RoleAdmin, "", perms},
		{RoleAdmin, ScopeAdmin, perms},
		{RoleAdmin, ScopeBilling, []string{PermReadPatients, PermWritePatients, PermBill}},
		{RoleAdmin, ScopeRead, []string{PermReadPatients, PermReadAudit}},
		{RoleCoder, ScopeAdmin, []string{PermReadPatients, PermCode}},
		{RoleCoder, ScopeBilling, []string{PermReadPatients}},
		{RoleBiller, ScopeRead, []string{PermReadPatients}},
		{RoleAuditor, ScopeRead, []string{PermReadPatients, PermReadAudit}},
		{RoleAuditor, "", []string{PermReadPatients, PermReadAudit, PermAuditCoding}},
		{RoleAdmin, "root", nil},
	}
	for _, tt := range tests {
		a := Actor{UserID: 1, OrgID: 1, Role: tt.role, Scope: tt.scope}
		var got []string
		for _, p := range perms {
			if a.Can(p) {
				got = append(got, p)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s with scope %q mismatch (-want +got):\n%s", tt.role, tt.scope, diff)
		}
	}
	_, err := RequireActor(NewContextWithActor(context.Background(), Actor{UserID: 1, OrgID: 1, Role: RoleAdmin, Scope: ScopeRead}), PermWriteSetup)
	if ErrorCode(err) != EFORBIDDEN || ErrorMessage(err) != "This API token's scope (read) does not allow this (setup:write)." {
		t.Errorf("RequireActor = %v", err)
	}
}

func TestScopeWithin(t *testing.T) {
	for _, tt := range []struct {
		s, limit string
		want     bool
	}{
		{ScopeAdmin, "", true}, {ScopeAdmin, ScopeAdmin, true}, {ScopeBilling, ScopeAdmin, true},
		{ScopeAdmin, ScopeBilling, false}, {ScopeRead, ScopeBilling, true}, {ScopeBilling, ScopeRead, false},
		{ScopeAdmin, ScopeRead, false}, {ScopeRead, ScopeRead, true},
	} {
		if got := ScopeWithin(tt.s, tt.limit); got != tt.want {
			t.Errorf("ScopeWithin(%q, %q) = %v", tt.s, tt.limit, got)
		}
	}
}
