package x12

import (
	"fmt"
	"strings"
)

// Code lists shared by the eligibility and claim status guides.
const (
	srcEntity  = "2B,36,GP,P5,PR"
	srcIDQual  = "24,46,FI,NI,PI,XV,XX"
	rcvEntity  = "1P,2B,36,80,FA,GP,P5,PR"
	rcvIDQual  = "24,34,46,FI,PI,PP,SV,XV,XX"
	provCodes  = "AD,AT,BI,CO,CV,H,HH,LA,OT,P1,P2,PC,PE,R,RF,SB,SK,SU"
	personRefs = "18,1L,1W,3H,6P,6Q,EA,EJ,F6,GH,HJ,IG,N6,NQ,SY,Y4"
	provRefs   = "0B,1C,1D,1J,4A,CT,EL,EO,HPI,JD,N5,N7,Q4,SY,TJ"
)

// guide270 is the 005010X279A1 Eligibility, Coverage or Benefit Inquiry.
const guide270 = `
ST R 1 | R=270 R R=005010X279A1
BHT R 1 | R=0022 R=01,13,36 S R R S=RT
L 2000A R >1 Information Source Level
 HL R 1 | R N R=20 R=1
 L 2100A R 1 Information Source Name
  NM1 R 1 | R=` + srcEntity + ` R=1,2 R S S N S R=` + srcIDQual + ` R
 L 2000B R >1 Information Receiver Level
  HL R 1 | R R R=21 R=1
  L 2100B R 1 Information Receiver Name
   NM1 R 1 | R=` + rcvEntity + ` R=1,2 R S S N S R=` + rcvIDQual + ` R
   REF S 9 | R=` + provRefs + ` R S
   N3 S 1 | R S
   N4 S 1 | R S=@state S S=@country N N S
   PRV S 1 | R=` + provCodes + ` S=9K,D3,EI,HPI,PXC,SY,TJ S
  L 2000C R >1 Subscriber Level
   HL R 1 | R R R=22 R=0,1
   TRN S 2 | R=1 R R S
   L 2100C R 1 Subscriber Name
    NM1 R 1 | R=IL R=1,2 S S S N S S=II,MI S
    REF S 9 | R=` + personRefs + ` R S
    N3 S 1 | R S
    N4 S 1 | R S=@state S S=@country N N S
    PRV S 1 | R=` + provCodes + ` S=9K,D3,EI,HPI,PXC,SY,TJ S
    DMG S 1 | S=D8 S S=F,M,U
    INS S 1 | R=Y R=18 N N N N N N N N N N N N N N S
    HI S 1 | R{R=ABK,BK;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R}
    DTP S 2 | R=102,291 R=D8,RD8 R
    L 2110C S 99 Subscriber Eligibility or Benefit Inquiry
     EQ R 1 | S S{R;R;S;S;S;S;S} S S=IND,FAM S{R;S;S;S}
     AMT S 1 | R=R R
     AMT S 1 | R=PB R
     III S 1 | R=ZZ R=21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99
     REF S 1 | R=9F,G1 R
     DTP S 1 | R=291 R=D8,RD8 R
   L 2000D S >1 Dependent Level
    HL R 1 | R R R=23 R=0
    TRN S 2 | R=1 R R S
    L 2100D R 1 Dependent Name
     NM1 R 1 | R=03 R=1 S S S N S
     REF S 9 | R=` + personRefs + ` R S
     N3 S 1 | R S
     N4 S 1 | R S=@state S S=@country N N S
     PRV S 1 | R=` + provCodes + ` S=9K,D3,EI,HPI,PXC,SY,TJ S
     DMG S 1 | S=D8 S S=F,M,U
     INS S 1 | R=N R=01,19,34,39,40,53,G8 N N N N N N N N N N N N N N S
     HI S 1 | R{R=ABK,BK;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R}
     DTP S 2 | R=102,291 R=D8,RD8 R
     L 2110D S 99 Dependent Eligibility or Benefit Inquiry
      EQ R 1 | S S{R;R;S;S;S;S;S} N S=IND,FAM S{R;S;S;S}
      III S 1 | R=ZZ R
      REF S 1 | R=9F,G1 R
      DTP S 1 | R=291 R=D8,RD8 R
`

// guide271 is the 005010X279A1 Eligibility, Coverage or Benefit
// Information (the answer to a 270).
const guide271 = `
ST R 1 | R=271 R R=005010X279A1
BHT R 1 | R=0022 R=06,11 S R R
L 2000A R >1 Information Source Level
 HL R 1 | R N R=20 R=0,1
 AAA S 9 | R=N,Y N R=04,41,42,79,80,T4 R=C,N,P,R,S,W,X,Y
 L 2100A R 1 Information Source Name
  NM1 R 1 | R=` + srcEntity + ` R=1,2 R S S N S R=` + srcIDQual + ` R
  PER S 3 | R=IC S S=ED,EM,FX,TE,UR S S=ED,EM,EX,FX,TE,UR S S=ED,EM,EX,FX,TE,UR S
  AAA S 9 | R=N,Y N R=04,41,42,79,80,T4 R=C,N,P,R,S,W,X,Y
 L 2000B S >1 Information Receiver Level
  HL R 1 | R R R=21 R=0,1
  L 2100B R 1 Information Receiver Name
   NM1 R 1 | R=` + rcvEntity + ` R=1,2 S S S N S R=` + rcvIDQual + ` R
   REF S 9 | R=` + provRefs + ` R S
   N3 S 1 | R S
   N4 S 1 | R S=@state S S=@country N N S
   AAA S 9 | R=N,Y N R=15,41,43,44,45,46,47,48,50,51,79,97,T4 R=C,N,P,R,S,W,X,Y
   PRV S 1 | R=` + provCodes + ` S=9K,D3,EI,HPI,PXC,SY,TJ S
  L 2000C S >1 Subscriber Level
   HL R 1 | R R R=22 R=0,1
   TRN S 3 | R=1,2 R R S
   L 2100C R 1 Subscriber Name
    NM1 R 1 | R=IL R=1,2 S S S N S S=II,MI S
    REF S 9 | R=` + personRefs + `,49,6P,A6,CE,CT,EL,F6,GH,HJ,IF,IG,ML,N6,NQ,Q4,SY R S
    N3 S 1 | R S
    N4 S 1 | R S=@state S S=@country N N S
    AAA S 9 | R=N,Y N R=15,35,42,43,45,47,48,49,51,52,56,57,58,60,61,62,63,69,70,71,72,73,74,75,76,78 R=C,N,P,R,S,W,X,Y
    PRV S 1 | R=` + provCodes + ` S=9K,D3,EI,HPI,PXC,SY,TJ S
    DMG S 1 | S=D8 S S=F,M,U
    INS S 1 | R=Y R=18 S=001 S=25 N N N N N N N N N N N N S
    HI S 1 | R{R=ABK,BK;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R}
    DTP S 9 | R R=D8,RD8 R
    MPI S 9 | R R R S S S S
    L 2110C S >1 Subscriber Eligibility or Benefit Information
     EB R 1 | R S S S S S S S S S S S S{R;R;S;S;S;S;S;S} S{R;S;S;S}
     HSD S 9 | S S S S S S S S
     REF S 9 | R R S
     DTP S 20 | R R=D8,RD8 R
     AAA S 9 | R=N,Y N R=15,33,52,53,54,55,56,57,60,61,62,63,69,70,98,AA,AE,AF,AG,AO,CI,E8,IA,MA R=C,N,P,R,S,W,X,Y
     MSG S 10 | R
     L 2115C S 10 Subscriber Eligibility or Benefit Additional Information
      III R 1 | S S S S S S
     LS S 1 | R=2120
     L 2120C S 23 Subscriber Benefit Related Entity Name
      NM1 R 1 | R=13,1I,1P,2B,36,73,FA,GP,GW,I3,IL,LR,OC,P3,P4,P5,PR,PRP,SEP,TTP,VER,VN,VY,X3,Y2 R=1,2 S S S N S S=24,34,46,FA,FI,II,MI,NI,PI,PP,SV,XV,XX S S=01,02,27,41,48,65,72
      N3 S 1 | R S
      N4 S 1 | R S=@state S S=@country S S S
      PER S 3 | R=IC S S=ED,EM,FX,TE,UR,WP S S=ED,EM,EX,FX,TE,UR,WP S S=ED,EM,EX,FX,TE,UR,WP S
      PRV S 1 | R=` + provCodes + ` S=PXC S
     LE S 1 | R=2120
   L 2000D S >1 Dependent Level
    HL R 1 | R R R=23 R=0
    TRN S 3 | R=1,2 R R S
    L 2100D R 1 Dependent Name
     NM1 R 1 | R=03 R=1 S S S N S
     REF S 9 | R R S
     N3 S 1 | R S
     N4 S 1 | R S=@state S S=@country N N S
     AAA S 9 | R=N,Y N R R=C,N,P,R,S,W,X,Y
     PRV S 1 | R=` + provCodes + ` S=9K,D3,EI,HPI,PXC,SY,TJ S
     DMG S 1 | S=D8 S S=F,M,U
     INS S 1 | R=N R S=001 S=25 N N N N N N N N N N N N S
     HI S 1 | R{R=ABK,BK;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R} S{R=ABF,BF;R}
     DTP S 9 | R R=D8,RD8 R
     MPI S 9 | R R R S S S S
     L 2110D S >1 Dependent Eligibility or Benefit Information
      EB R 1 | R S S S S S S S S S S S S{R;R;S;S;S;S;S;S} S{R;S;S;S}
      HSD S 9 | S S S S S S S S
      REF S 9 | R R S
      DTP S 20 | R R=D8,RD8 R
      AAA S 9 | R=N,Y N R R=C,N,P,R,S,W,X,Y
      MSG S 10 | R
      L 2115D S 10 Dependent Eligibility or Benefit Additional Information
       III R 1 | S S S S S S
      LS S 1 | R=2120
      L 2120D S 23 Dependent Benefit Related Entity Name
       NM1 R 1 | R R=1,2 S S S S S S S S
       N3 S 1 | R S
       N4 S 1 | R S=@state S S=@country S S S
       PER S 3 | R=IC S S=ED,EM,FX,TE,UR,WP S S=ED,EM,EX,FX,TE,UR,WP S S=ED,EM,EX,FX,TE,UR,WP S
       PRV S 1 | R=` + provCodes + ` S=PXC S
      LE S 1 | R=2120
`

// claimStatusRefs writes the 276/277 claim-level REF positions, each
// repeating once, indented to sit in the loop that includes them.
func claimStatusRefs(indent int, quals ...string) string {
	var b strings.Builder
	for _, q := range quals {
		fmt.Fprintf(&b, "%sREF S 1 | R=%s R\n", strings.Repeat(" ", indent), q)
	}
	return b.String()
}

// guide276 is the 005010X212 Health Care Claim Status Request.
var guide276 = `
ST R 1 | R=276 R R=005010X212
BHT R 1 | R=0010 R=13 R R R
L 2000A R >1 Information Source Level
 HL R 1 | R N R=20 R=1
 L 2100A R 1 Payer Name
  NM1 R 1 | R=PR R=2 R N N N N R=24,46,FI,NI,PI,XV R
 L 2000B R >1 Information Receiver Level
  HL R 1 | R R R=21 R=1
  L 2100B R 2 Information Receiver Name
   NM1 R 1 | R=41 R=1,2 S S S N N R=46,FI,XX R
  L 2000C R >1 Service Provider Level
   HL R 1 | R R R=19 R=1
   L 2100C R 2 Provider Name
    NM1 R 1 | R=1P R=1,2 S S S N S R=FI,SV,XX R
   L 2000D R >1 Subscriber Level
    HL R 1 | R R R=22 R=0,1
    DMG S 1 | S=D8 S S=F,M,U
    L 2100D R 1 Subscriber Name
     NM1 R 1 | R=IL R=1,2 R S S N S R=24,II,MI R
    L 2200D S >1 Claim Status Tracking Number
     TRN R 1 | R=1 R
` + claimStatusRefs(5, "1K", "BLT", "LU", "6P", "EJ", "XZ", "D9") + `
     AMT S 1 | R=T3 R
     DTP S 1 | R=472 R=D8,RD8 R
     L 2210D S >1 Service Line Information
      SVC R 1 | R{R=AD,ER,HC,HP,IV,N4,NU,WK;R;S;S;S;S;S} R S S S S S
      REF S 1 | R=FJ R
      DTP R 1 | R=472 R=D8,RD8 R
    L 2000E S >1 Dependent Level
     HL R 1 | R R R=23 S=0
     DMG S 1 | S=D8 S S=F,M,U
     L 2100E R 1 Dependent Name
      NM1 R 1 | R=QC R=1 R S S N S
     L 2200E R >1 Claim Status Tracking Number
      TRN R 1 | R=1 R
` + claimStatusRefs(6, "1K", "BLT", "LU", "6P", "EJ", "XZ", "D9") + `
      AMT S 1 | R=T3 R
      DTP S 1 | R=472 R=D8,RD8 R
      L 2210E S >1 Service Line Information
       SVC R 1 | R{R=AD,ER,HC,HP,IV,N4,NU,WK;R;S;S;S;S;S} R S S S S S
       REF S 1 | R=FJ R
       DTP R 1 | R=472 R=D8,RD8 R
`

// stcElems is the STC usage shared by claim status responses.
const stcElems = "R{R;R;S;S} S S S S S S S S S{R;R;S;S} S{R;R;S;S} S"

// guide277 is the 005010X212 Health Care Claim Status Response.
var guide277 = `
ST R 1 | R=277 R R=005010X212
BHT R 1 | R=0010 R=08 R R R R=DG
L 2000A R >1 Information Source Level
 HL R 1 | R N R=20 R=1
 L 2100A R 1 Payer Name
  NM1 R 1 | R=PR R=2 R N N N N R=24,46,FI,NI,PI,XV R
  PER S 1 | R=IC S R=ED,EM,FX,TE S S=ED,EM,EX,FX,TE S S=ED,EM,EX,FX,TE S
 L 2200A S 1 Information Source Trace Identifier
  TRN R 1 | R=1 R
  STC R >1 | ` + stcElems + `
 L 2000B R >1 Information Receiver Level
  HL R 1 | R R R=21 R=0,1
  L 2100B R 2 Information Receiver Name
   NM1 R 1 | R=41 R=1,2 S S S N N R=46,FI,XX R
  L 2200B S 1 Information Receiver Trace Identifier
   TRN R 1 | R=2 R
   STC R >1 | ` + stcElems + `
  L 2000C S >1 Service Provider Level
   HL R 1 | R R R=19 R=0,1
   L 2100C R 2 Provider Name
    NM1 R 1 | R=1P R=1,2 S S S N S R=FI,SV,XX R
   L 2200C S 1 Provider of Service Trace Identifier
    TRN R 1 | R=1 R
    STC R >1 | ` + stcElems + `
   L 2000D S >1 Subscriber Level
    HL R 1 | R R R=22 R=0,1
    L 2100D R 1 Subscriber Name
     NM1 R 1 | R=IL R=1,2 R S S N S R=24,II,MI R
    L 2200D S >1 Claim Status Tracking Number
     TRN R 1 | R=2 R
     STC S >1 | ` + stcElems + `
` + claimStatusRefs(5, "1K", "BLT", "EJ", "XZ", "VV", "D9") + `
     DTP S 1 | R=472 R=D8,RD8 R
     L 2220D S >1 Service Line Information
      SVC R 1 | R{R=AD,ER,HC,HP,IV,N4,NU,WK;R;S;S;S;S;S} R S S S S S
      STC R >1 | ` + stcElems + `
      REF S 1 | R=FJ R
      DTP S 1 | R=472 R=D8,RD8 R
    L 2000E S >1 Dependent Level
     HL R 1 | R R R=23 S=0
     L 2100E R 1 Dependent Name
      NM1 R 1 | R=QC R=1 R S S N S
     L 2200E R >1 Claim Status Tracking Number
      TRN R 1 | R=2 R
      STC R >1 | ` + stcElems + `
` + claimStatusRefs(6, "1K", "BLT", "EJ", "XZ", "VV", "D9") + `
      DTP S 1 | R=472 R=D8,RD8 R
      L 2220E S >1 Service Line Information
       SVC R 1 | R{R=AD,ER,HC,HP,IV,N4,NU,WK;R;S;S;S;S;S} R S S S S S
       STC R >1 | ` + stcElems + `
       REF S 1 | R=FJ R
       DTP S 1 | R=472 R=D8,RD8 R
`

// guide277CA is the 005010X214 Health Care Claim Acknowledgment.
const guide277CA = `
ST R 1 | R=277 R R=005010X214
BHT R 1 | R=0085 R=08 R R R R=TH
L 2000A R >1 Information Source Level
 HL R 1 | R N R=20 R=1
 L 2100A R 1 Information Source Name
  NM1 R 1 | R=AY,PR R=2 R N N N N R=46,FI,PI,XV R
 L 2200A R 1 Transmission Receipt Control Identifier
  TRN R 1 | R=1 R
  DTP R 1 | R=050 R=D8 R
  DTP R 1 | R=009 R=D8 R
 L 2000B R >1 Information Receiver Level
  HL R 1 | R R R=21 R=0,1
  L 2100B R 1 Information Receiver Name
   NM1 R 1 | R=41 R=1,2 R S S N N R=46 R
  L 2200B R 1 Information Receiver Application Trace Identifier
   TRN R 1 | R=2 R
   STC R >1 | R{R;R;S} R R=U,WQ R N N N N N S{R;R;S} S{R;R;S} S
   QTY S 1 | R=90 R
   QTY S 1 | R=AA R
   AMT S 1 | R=YU R
   AMT S 1 | R=YY R
  L 2000C S >1 Billing Provider of Service Level
   HL R 1 | R R R=19 R=1
   L 2100C R 1 Billing Provider Name
    NM1 R 1 | R=85 R=1,2 R S S N S R=FI,XX R
   L 2200C S 1 Provider of Service Information Trace Identifier
    TRN R 1 | R=1 R
    STC S >1 | R{R;R;S} N R=U,WQ R N N N N N S{R;R;S} S{R;R;S}
    REF S 2 | R=0B,1G,G2,LU,SY,TJ R
    QTY S 1 | R=QA R
    QTY S 1 | R=QC R
    AMT S 1 | R=YU R
    AMT S 1 | R=YY R
   L 2000D S >1 Patient Level
    HL R 1 | R R R=PT
    L 2100D R 1 Patient Name
     NM1 R 1 | R=QC R=1 R S S N S R=II,MI R
    L 2200D R >1 Claim Status Tracking Number
     TRN R 1 | R=2 R
     STC R >1 | R{R;R;S} R R=U,WQ R N N N N N S{R;R;S} S{R;R;S} S
     REF S 1 | R=1K R
     REF S 1 | R=D9 R
     REF S 1 | R=BLT R
     DTP S 1 | R=472 R=D8,RD8 R
     L 2220D S >1 Service Line Information
      SVC R 1 | R{R=AD,ER,HC,HP,IV,NU,WK;R;S;S;S;S;S} R N S N N S
      STC R 1 | R{R;R;S} R R=U,WQ N N N N N N S{R;R;S} S{R;R;S} N
      REF S 1 | R=FJ R
      DTP S 1 | R=472 R=D8,RD8 R
`

func init() {
	register("270", "005010X279A1", "HS", "Eligibility, Coverage or Benefit Inquiry", true, guide270)
	register("271", "005010X279A1", "HB", "Eligibility, Coverage or Benefit Information", true, guide271)
	register("276", "005010X212", "HR", "Health Care Claim Status Request", true, guide276)
	register("277", "005010X212", "HN", "Health Care Claim Status Response", true, guide277)
	register("277", "005010X214", "HN", "Health Care Claim Acknowledgment", true, guide277CA)
}
