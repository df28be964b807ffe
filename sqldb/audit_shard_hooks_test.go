package sqldb

import "github.com/openrcm/openrcm"

// AuditHashOf is the hash the store gives an event, for tests that forge
// an event the way an attacker who knows the algorithm would, or write a
// log as an earlier release did.
func AuditHashOf(e *rcm.AuditEvent) string { return auditHash(e) }
