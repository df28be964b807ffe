package payer

import (
	"bytes"
	"fmt"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// checkBalance reads an 835 as any receiver would and checks the guide's
// balancing rules: for each service line SVC02 - sum(CAS) = SVC03; for each
// claim CLP03 - sum(claim and line CAS) = CLP04, and CLP04 = sum(SVC03)
// when lines are present; per transaction BPR02 = sum(CLP04) - sum(PLB).
func checkBalance(data []byte) error {
	return x12.ReadTransactions(bytes.NewReader(data), func(tx *x12.Transaction) error {
		if tx.ID != "835" {
			return nil
		}
		money := func(s *x12.Segment, i int) rcm.Money {
			if len(s.Element(i)) == 0 {
				return 0
			}
			return rcm.MustParseMoney(s.String(i))
		}
		casSum := func(segs []*x12.Segment) rcm.Money {
			var sum rcm.Money
			for _, s := range segs {
				if s.ID() != "CAS" {
					continue
				}
				for i := 3; i <= 18; i += 3 {
					sum += money(s, i)
				}
			}
			return sum
		}
		var paid rcm.Money
		for _, c := range tx.Loops("2100") {
			clp := c.Segment("CLP")
			total := casSum(c.Segments)
			var svcPaid rcm.Money
			lines := c.Loops("2110")
			for _, l := range lines {
				svc := l.Segment("SVC")
				lc := casSum(l.Segments)
				if money(svc, 2)-lc != money(svc, 3) {
					return fmt.Errorf("claim %s line %s: SVC02 %s - CAS %s != SVC03 %s", clp.String(1), svc.String(1), svc.String(2), lc, svc.String(3))
				}
				total += lc
				svcPaid += money(svc, 3)
			}
			if money(clp, 3)-total != money(clp, 4) {
				return fmt.Errorf("claim %s: CLP03 %s - CAS %s != CLP04 %s", clp.String(1), clp.String(3), total, clp.String(4))
			}
			if len(lines) > 0 && svcPaid != money(clp, 4) {
				return fmt.Errorf("claim %s: sum SVC03 %s != CLP04 %s", clp.String(1), svcPaid, clp.String(4))
			}
			paid += money(clp, 4)
		}
		var plb rcm.Money
		for _, s := range tx.Root.Segments {
			if s.ID() == "PLB" {
				for i := 4; i <= 14; i += 2 {
					plb += money(s, i)
				}
			}
		}
		bpr := tx.Root.Segment("BPR")
		if money(bpr, 2) != paid-plb {
			return fmt.Errorf("BPR02 %s != sum CLP04 %s - PLB %s", bpr.String(2), paid, plb)
		}
		if money(bpr, 2) < 0 {
			return fmt.Errorf("BPR02 %s is negative", bpr.String(2))
		}
		return nil
	})
}
