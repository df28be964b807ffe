// Package rcm holds OpenRCM's domain: the types a revenue cycle is made of
// (organizations, practices, providers, payers, patients, coverages,
// encounters, claims, money) and the service interfaces that storage
// adapters implement. It imports no database, HTTP or file-format package;
// adapters depend on it, never the other way round.
package rcm
