package payer

import (
	"bytes"
	_ "embed"
)

// sampleConfig is the documented sample: a Medicare-like payer (SBMCR),
// a commercial PPO (SBPPO) and a Medicaid-like payer (SBMCD), with a
// member file that matches the claims of claim/testdata/batch.837 and the
// demo's payer IDs. docs/payer-sandbox.md explains every field.
//
//go:embed sample/config.json
var sampleConfig []byte

// SampleConfig returns the sample configuration, for the demo, for
// `rcm payer` without --config and for tests.
func SampleConfig() (*Config, error) { return ReadConfig(bytes.NewReader(sampleConfig)) }

// SampleConfigJSON returns the sample configuration file as written.
func SampleConfigJSON() []byte { return bytes.Clone(sampleConfig) }
