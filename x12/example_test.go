package x12_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/openrcm/openrcm/x12"
)

const exampleClaim = `ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*PAYER          *240105*1200*^*00501*000000001*0*T*:~
GS*HC*SUBMITTER*PAYER*20240105*1200*1*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019*00*1*20240105*1200*CH~
NM1*41*2*BILLING CO*****46*B1~
PER*IC*ANN*TE*5555551212~
NM1*40*2*PAYER*****46*P1~
HL*1**20*1~
NM1*85*2*CLINIC*****XX*1234567893~
N3*1 MAIN ST~
N4*TOWN*FL*33111~
REF*EI*123456789~
HL*2*1*22*0~
SBR*P*18*******CI~
NM1*IL*1*DOE*JANE****MI*M123~
N3*2 ELM ST~
N4*TOWN*FL*33111~
DMG*D8*19800101*F~
NM1*PR*2*PAYER*****PI*P1~
CLM*C1*50***11:B:1*Y*A*Y*I~
HI*ABK:J020~
LX*1~
SV1*HC:99213*50*UN*1***1~
DTP*472*D8*20231301~
SE*23*0001~
GE*1*1~
IEA*1*000000001~
`

// Validate reports where a file breaks the guide, with the 999 codes.
func ExampleValidate() {
	res := x12.Validate(strings.NewReader(exampleClaim))
	for _, f := range res.Findings {
		fmt.Println(f.SegmentID, f.Element, f.Loop, f.Code, f.BusinessUnit)
		fmt.Println(f.Message)
	}
	// Output:
	// DTP 3 2400 8 CLM01:C1
	// DTP03 must be a valid date CCYYMMDD because the format qualifier is D8
}

// ReadTransactions hands each transaction over with its loops, so
// mapping code reads claims by loop id and elements by name.
func ExampleReadTransactions() {
	err := x12.ReadTransactions(strings.NewReader(exampleClaim), func(tx *x12.Transaction) error {
		for _, claim := range tx.Loops("2300") {
			clm := claim.Segment("CLM")
			fmt.Printf("claim %s charge %s place of service %s\n", clm.Field("CLM01"), clm.Field("CLM02"), clm.Field("CLM05-1"))
			for _, line := range claim.Loops("2400") {
				fmt.Printf("  line %s procedure %s\n", line.Segment("LX").Field("LX01"), line.Segment("SV1").Field("SV101-2"))
			}
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// claim C1 charge 50 place of service 11
	//   line 1 procedure 99213
}

// Acknowledge answers a validated file with a 999 (and a TA1 when the
// interchange envelope has an error).
func ExampleAcknowledge() {
	res := x12.Validate(strings.NewReader(exampleClaim))
	_, err := x12.Acknowledge(os.Stdout, res, x12.AckOptions{
		Now: time.Date(2024, 1, 5, 13, 0, 0, 0, time.UTC), Seq: &x12.Counter{N: 500}, Newline: true,
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// ISA*00*          *00*          *ZZ*PAYER          *ZZ*SUBMITTER      *240105*1300*^*00501*000000501*0*T*:~
	// GS*FA*PAYER*SUBMITTER*20240105*1300*502*X*005010X231A1~
	// ST*999*0503*005010X231A1~
	// AK1*HC*1*005010X222A1~
	// AK2*837*0001*005010X222A1~
	// IK3*DTP*22*2400*8~
	// CTX*CLM01:C1~
	// IK4*3**8*20231301~
	// IK5*R*5~
	// AK9*R*1*1*0~
	// SE*9*0503~
	// GE*1*502~
	// IEA*1*000000501~
}

// A Writer builds envelopes and counts; the caller writes content.
func ExampleWriter() {
	var b strings.Builder
	w := x12.NewWriter(&b, x12.DefaultDelimiters, true, &x12.Counter{N: 41})
	now := time.Date(2024, 1, 5, 12, 0, 0, 0, time.UTC)
	w.StartInterchange(x12.InterchangeHeader{SenderQual: "ZZ", Sender: "SUBMITTER", ReceiverQual: "ZZ", Receiver: "PAYER", Time: now})
	w.StartGroup(x12.GroupHeader{FunctionalID: "HC", Sender: "SUBMITTER", Receiver: "PAYER", Time: now, Version: "005010X222A1"})
	w.StartTransaction("837", "005010X222A1")
	w.Segment("BHT", "0019", "00", "1", "20240105", "1200", "CH")
	w.Segment("SV1", w.Composite("HC", "99213"), "50", "UN", "1")
	w.EndTransaction()
	w.EndGroup()
	w.EndInterchange()
	fmt.Print(b.String())
	// Output:
	// ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*PAYER          *240105*1200*^*00501*000000042*0*T*:~
	// GS*HC*SUBMITTER*PAYER*20240105*1200*43*X*005010X222A1~
	// ST*837*0044*005010X222A1~
	// BHT*0019*00*1*20240105*1200*CH~
	// SV1*HC:99213*50*UN*1~
	// SE*4*0044~
	// GE*1*43~
	// IEA*1*000000042~
}
