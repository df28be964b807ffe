package sqldb

import (
	"encoding/json"

	"github.com/openrcm/openrcm"
)

// institutionalJSON stores an encounter's or claim's institutional data
// (837I, UB-04) as JSON in one column; ” for a professional one.
func institutionalJSON(in *rcm.Institutional) string {
	if in == nil {
		return ""
	}
	b, _ := json.Marshal(in)
	return string(b)
}

// institutionalOf reads what institutionalJSON stored.
func institutionalOf(s string) (*rcm.Institutional, error) {
	if s == "" {
		return nil, nil
	}
	in := &rcm.Institutional{}
	if err := json.Unmarshal([]byte(s), in); err != nil {
		return nil, err
	}
	return in, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
