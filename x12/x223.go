package x12

import "strings"

// hiRepeat writes n HI composites: the first with usage first, the rest
// situational, all with the same component rule.
func hiRepeat(n int, comp string) string {
	parts := []string{"R" + comp}
	for i := 1; i < n; i++ {
		parts = append(parts, "S"+comp)
	}
	return strings.Join(parts, " ")
}

// guide837I is the 005010X223A2 Health Care Claim: Institutional.
var guide837I = `
ST R 1 | R=837 R R=005010X223A2
BHT R 1 | R=0019 R=00,18 R R R R=31,CH,RP
L 1000A R 1 Submitter Name
 NM1 R 1 | R=41 R=1,2 R S S N N R=46 R
 PER R 2 | R=IC S R=EM,FX,TE R S=EM,EX,FX,TE S S=EM,EX,FX,TE S
L 1000B R 1 Receiver Name
 NM1 R 1 | R=40 R=2 R N N N N R=46 R
L 2000A R >1 Billing Provider Hierarchical Level
 HL R 1 | R N R=20 R=1
 PRV S 1 | R=BI R=PXC R
 CUR S 1 | R=85 R
 L 2010AA R 1 Billing Provider Name
  NM1 R 1 | R=85 R=2 R N N N N S=XX S
  N3 R 1 | R S
  N4 R 1 | R S=@state S S=@country N N S
  REF R 1 | R=EI R
  PER S 2 | R=IC S R=EM,FX,TE R S=EM,EX,FX,TE S S=EM,EX,FX,TE S
 L 2010AB S 1 Pay-to Address Name
  NM1 R 1 | R=87 R=2
  N3 R 1 | R S
  N4 R 1 | R S=@state S S=@country N N S
 L 2010AC S 1 Pay-To Plan Name
  NM1 R 1 | R=PE R=2 R N N N N R=PI,XV R
  N3 R 1 | R S
  N4 R 1 | R S=@state S S=@country N N S
  REF S 1 | R=2U,FY,NF R
  REF R 1 | R=EI R
 L 2000B R >1 Subscriber Hierarchical Level
  HL R 1 | R R R=22 R=0,1
  SBR R 1 | R=A,B,C,D,E,F,G,H,P,S,T,U S=18 S S N N N N S=` + claimFiling + `
  L 2010BA R 1 Subscriber Name
   NM1 R 1 | R=IL R=1,2 R S S N S S=II,MI S
   N3 S 1 | R S
   N4 S 1 | R S=@state S S=@country N N S
   DMG S 1 | R=D8 R R=F,M,U
   REF S 1 | R=SY R
   REF S 1 | R=Y4 R
  L 2010BB R 1 Payer Name
   NM1 R 1 | R=PR R=2 R N N N N R=PI,XV R
   N3 S 1 | R S
   N4 S 1 | R S=@state S S=@country N N S
   REF S 3 | R=2U,EI,FY,NF R
   REF S 1 | R=G2,LU R
  L 2300 S 100 Claim Information
   CLM R 1 | R R N N R{R=@facility;R=A;R=@freq} N R=A,B,C R=N,W,Y R=I,Y N N N N N N N N N N S=1,2,3,4,5,6,7,8,9,10,11,15
   DTP S 1 | R=096 R=TM R
   DTP R 1 | R=434 R=RD8 R
   DTP S 1 | R=435 R=D8,DT R
   DTP S 1 | R=050 R=D8 R
   CL1 R 1 | S S R
   PWK S 10 | R=` + pwkReport + ` R=AA,BM,EL,EM,FT,FX N N S=AC S
   CN1 S 1 | R=01,02,03,04,05,06,09 S S S S S
   AMT S 1 | R=F3 R
   REF S 1 | R=4N R=1,2,3,4,5,6,7
   REF S 1 | R=9F R
   REF S 1 | R=G1 R
   REF S 1 | R=F8 R
   REF S 1 | R=9A R
   REF S 1 | R=9C R
   REF S 5 | R=LX R
   REF S 1 | R=D9 R
   REF S 1 | R=LU R
   REF S 1 | R=EA R
   REF S 1 | R=P4 R
   REF S 1 | R=G4 R
   K3 S 10 | R
   NTE S 10 | R=ALG,DCP,DGN,DME,MED,NTR,ODT,RHB,RLH,RNH,SET,SFM,SPT,UPI R
   NTE S 1 | R=ADD R
   CRC S 1 | R=ZZ R=N,Y R=AV,NU,S2,ST S=AV,NU,S2,ST S=AV,NU,S2,ST
   HI R 1 | R{R=ABK,BK;R;N;N;N;N;N;N;S=N,U,W,Y}
   HI S 1 | R{R=ABJ,BJ;R}
   HI S 1 | ` + hiRepeat(3, "{R=APR,PR;R}") + `
   HI S 1 | ` + hiRepeat(12, "{R=ABN,BN;R;N;N;N;N;N;N;S=N,U,W,Y}") + `
   HI S 1 | R{R=DR;R}
   HI S 2 | ` + hiRepeat(12, "{R=ABF,BF;R;N;N;N;N;N;N;S=N,U,W,Y}") + `
   HI S 1 | R{R=BBR,BR,CAH;R;R=D8;R}
   HI S 2 | ` + hiRepeat(12, "{R=BBQ,BQ;R;R=D8;R}") + `
   HI S 2 | ` + hiRepeat(12, "{R=BI;R;R=RD8;R}") + `
   HI S 2 | ` + hiRepeat(12, "{R=BH;R;R=D8;R}") + `
   HI S 2 | ` + hiRepeat(12, "{R=BE;R;N;N;R}") + `
   HI S 2 | ` + hiRepeat(12, "{R=BG;R}") + `
   HI S 2 | ` + hiRepeat(12, "{R=TC;R}") + `
   HCP S 1 | R=00,01,02,03,04,05,06,07,08,09,10,11,12,13,14 R S S S S S S N N S=DA,UN S S=T1,T2,T3,T4,T5,T6 S=1,2,3,4,5 S=1,2,3,4,5,6
   L 2310A S 1 Attending Provider Name
    NM1 R 1 | R=71 R=1 R S S N S S=XX S
    PRV S 1 | R=AT R=PXC R
    REF S 4 | R=0B,1G,G2,LU R
   L 2310B S 1 Operating Physician Name
    NM1 R 1 | R=72 R=1 R S S N S S=XX S
    REF S 4 | R=0B,1G,G2,LU R
   L 2310C S 1 Other Operating Physician Name
    NM1 R 1 | R=ZZ R=1 R S S N S S=XX S
    REF S 4 | R=0B,1G,G2,LU R
   L 2310D S 1 Rendering Provider Name
    NM1 R 1 | R=82 R=1 R S S N S S=XX S
    REF S 4 | R=0B,1G,G2,LU R
   L 2310E S 1 Service Facility Location Name
    NM1 R 1 | R=77 R=2 R N N N N S=XX S
    N3 R 1 | R S
    N4 R 1 | R S=@state S S=@country N N S
    REF S 3 | R=0B,G2,LU R
   L 2310F S 1 Referring Provider Name
    NM1 R 1 | R=DN R=1 R S S N S S=XX S
    REF S 3 | R=0B,1G,G2 R
   L 2320 S 10 Other Subscriber Information
    SBR R 1 | R=A,B,C,D,E,F,G,H,P,S,T,U R=` + relCodes + ` S S N N N N S=` + claimFiling + `
    CAS S 5 | ` + casElems + `
    AMT S 1 | R=D R
    AMT S 1 | R=EAF R
    AMT S 1 | R=A8 R
    OI R 1 | N N R=N,W,Y N N R=I,Y
    MIA S 1 | R N S S S S S S S S S S S S S S S S S S S S S S
    MOA S 1 | S S S S S S S S S
    L 2330A R 1 Other Subscriber Name
     NM1 R 1 | R=IL R=1,2 R S S N S R=II,MI R
     N3 S 1 | R S
     N4 S 1 | R S=@state S S=@country N N S
     REF S 2 | R=SY R
    L 2330B R 1 Other Payer Name
     NM1 R 1 | R=PR R=2 R N N N N R=PI,XV R
     N3 S 1 | R S
     N4 S 1 | R S=@state S S=@country N N S
     DTP S 1 | R=573 R=D8 R
     REF S 2 | R=2U,EI,FY,NF R
     REF S 1 | R=G1 R
     REF S 1 | R=9F R
     REF S 1 | R=T4 R=Y
     REF S 1 | R=F8 R
    L 2330C S 1 Other Payer Attending Provider
     NM1 R 1 | R=71 R=1
     REF R 4 | R=0B,1G,G2,LU R
    L 2330D S 1 Other Payer Operating Physician
     NM1 R 1 | R=72 R=1
     REF R 4 | R=0B,1G,G2,LU R
    L 2330E S 1 Other Payer Other Operating Physician
     NM1 R 1 | R=ZZ R=1
     REF R 4 | R=0B,1G,G2,LU R
    L 2330F S 1 Other Payer Service Facility Location
     NM1 R 1 | R=77 R=2
     REF R 3 | R=0B,G2,LU R
    L 2330G S 1 Other Payer Rendering Provider Name
     NM1 R 1 | R=82 R=1
     REF R 4 | R=0B,1G,G2,LU R
    L 2330H S 1 Other Payer Referring Provider
     NM1 R 1 | R=DN R=1
     REF R 3 | R=0B,1G,G2 R
    L 2330I S 1 Other Payer Billing Provider
     NM1 R 1 | R=85 R=2
     REF R 2 | R=G2,LU R
   L 2400 R 999 Service Line Number
    LX R 1 | R
    SV2 R 1 | R S{R=ER,HC,HP,IV,WK;R;S;S;S;S;S} R R=DA,UN R N S
    PWK S 10 | R=` + pwkReport + ` R=AA,BM,EL,EM,FT,FX N N S=AC S
    DTP S 1 | R=472 R=D8,RD8 R
    REF S 1 | R=6R R
    REF S 1 | R=9B R
    REF S 1 | R=9D R
    AMT S 1 | R=GT R
    AMT S 1 | R=N8 R
    NTE S 1 | R=TPO R
    HCP S 1 | R=00,01,02,03,04,05,06,07,08,09,10,11,12,13,14 R S S S S S S S=ER,HC,HP,IV,WK S S=DA,UN S S=T1,T2,T3,T4,T5,T6 S=1,2,3,4,5 S=1,2,3,4,5,6
    L 2410 S 1 Drug Identification
     LIN R 1 | N R=N4 R
     CTP R 1 | N N N R R{R=F2,GR,ME,ML,UN}
     REF S 1 | R=VY,XZ R
    L 2420A S 1 Operating Physician Name
     NM1 R 1 | R=72 R=1 R S S N S S=XX S
     REF S 20 | R=0B,1G,G2,LU R N S{R=2U;R}
    L 2420B S 1 Other Operating Physician Name
     NM1 R 1 | R=ZZ R=1 R S S N S S=XX S
     REF S 20 | R=0B,1G,G2,LU R N S{R=2U;R}
    L 2420C S 1 Rendering Provider Name
     NM1 R 1 | R=82 R=1 R S S N S S=XX S
     REF S 20 | R=0B,1G,G2,LU R N S{R=2U;R}
    L 2420D S 1 Referring Provider Name
     NM1 R 1 | R=DN R=1 R S S N S S=XX S
     REF S 20 | R=0B,1G,G2 R N S{R=2U;R}
    L 2430 S 15 Line Adjudication Information
     SVD R 1 | R R S{R=ER,HC,HP,IV,WK;R;S;S;S;S;S} R R S
     CAS S 5 | ` + casElems + `
     DTP R 1 | R=573 R=D8 R
     AMT S 1 | R=EAF R
  L 2000C S >1 Patient Hierarchical Level
   HL R 1 | R R R=23 R=0
   PAT R 1 | R=01,19,20,21,39,40,53,G8
   L 2010CA R 1 Patient Name
    NM1 R 1 | R=QC R=1 R S S N S
    N3 R 1 | R S
    N4 R 1 | R S=@state S S=@country N N S
    DMG R 1 | R=D8 R R=F,M,U
    REF S 1 | R=Y4 R
    REF S 1 | R=1W,SY R
   L 2300 R 100 @
`

func init() {
	register("837", "005010X223A2", "HC", "Health Care Claim: Institutional", true, guide837I)
}
