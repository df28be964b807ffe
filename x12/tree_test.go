package x12

import (
	"bytes"
	"encoding/json"
	"testing"
)

func readTxs(t *testing.T, in []byte) []*Transaction {
	t.Helper()
	var txs []*Transaction
	if err := ReadTransactions(bytes.NewReader(in), func(tx *Transaction) error { txs = append(txs, tx); return nil }); err != nil {
		t.Fatal(err)
	}
	return txs
}

func TestTransactionLoops(t *testing.T) {
	txs := readTxs(t, synth837(5, 3, true))
	if len(txs) != 2 {
		t.Fatalf("%d transactions, want 2", len(txs))
	}
	tx := txs[0]
	claims := tx.Loops("2300")
	if len(claims) != 3 {
		t.Fatalf("%d claims in the first transaction, want 3", len(claims))
	}
	clm := claims[1].Segment("CLM")
	if got := string(clm.Field("CLM01")); got != "PAT00000001" {
		t.Errorf("CLM01 = %q", got)
	}
	if got := string(clm.Field("CLM05-1")); got != "11" {
		t.Errorf("CLM05-1 = %q, want 11", got)
	}
	lines := claims[1].Loops("2400")
	if len(lines) != 4 {
		t.Fatalf("%d service lines, want 4", len(lines))
	}
	if got := string(lines[2].Segment("SV1").Component(1, 2)); got != "99214" {
		t.Errorf("third line SV101-2 = %q", got)
	}
	sub := tx.Loops("2010BA")
	if len(sub) != 3 || string(sub[0].Segment("NM1", "IL").Field("NM109")) != "000000000" {
		t.Errorf("subscriber loops wrong: %d", len(sub))
	}
	if bp := tx.Loops("2010AA"); len(bp) != 1 || bp[0].Segment("REF", "EI") == nil {
		t.Error("billing provider REF*EI not found")
	}
}

// TestTransactionJSON compares the JSON view of synthetic 837P and 835
// transactions with reviewed golden files.
func TestTransactionJSON(t *testing.T) {
	for name, in := range map[string][]byte{"837P": synth837(2, 2, false), "835": []byte(sample835)} {
		t.Run(name, func(t *testing.T) {
			out, err := json.MarshalIndent(readTxs(t, in), "", " ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "tree_"+name+".json", out)
		})
	}
}
