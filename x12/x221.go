package x12

// guide835 is the 005010X221A1 Health Care Claim Payment/Advice. It has
// no HL hierarchy: 2000 groups claims (LX), 2100 is a claim (CLP) and
// 2110 a service line (SVC).
const guide835 = `
ST R 1 | R=835 R S=005010X221A1
BPR R 1 | R=C,D,H,I,P,U,X R R=C,D R=ACH,BOP,CHK,FWT,NON S=CCP,CTX S=01,04 S S=DA S S S S=01,04 S S=DA,SG S R
TRN R 1 | R=1 R R S
CUR S 1 | R=PR R
REF S 1 | R=EV R
REF S 1 | R=F2 R
DTM S 1 | R=405 R
L 1000A R 1 Payer Identification
 N1 R 1 | R=PR R S=XV S
 N3 R 1 | R S
 N4 R 1 | R S S S N N S
 REF S 4 | R=2U,EO,HI,NF R
 PER S 1 | R=CX S S=EM,FX,TE S S=EM,EX,FX,TE S S=EX S
 PER R >1 | R=BL S S=EM,TE,UR S S=EM,EX,FX,TE,UR S S=EM,EX,FX,UR S
 PER S 1 | R=IC N R=UR R
L 1000B R 1 Payee Identification
 N1 R 1 | R=PE R R=FI,XV,XX R
 N3 S 1 | R S
 N4 S 1 | R S S S N N S
 REF S >1 | R=0B,D3,PQ,TJ R
 RDM S 1 | R=BM,EM,FT,OL S S
L 2000 S >1 Header Number
 LX R 1 | R
 TS3 S 1 | R R R R R N N N N N N N S N S N S S N S S S S S
 TS2 S 1 | S S S S S S S S S S S S S S S S S S S
 L 2100 R >1 Claim Payment Information
  CLP R 1 | R R=1,2,3,4,19,20,21,22,23,25 R R S R=12,13,14,15,16,17,AM,CH,DS,HM,LM,MA,MB,MC,OF,TV,VA,WC,ZZ R S S N S S S S
  CAS S 99 | R=CO,OA,PI,PR R R S S S S S S S S S S S S S S S S
  NM1 R 1 | R=QC R=1 S S S N S S=34,HN,II,MI,MR S
  NM1 S 1 | R=IL R=1,2 S S S N S R=FI,II,MI R
  NM1 S 1 | R=74 R=1,2 S S S N S S=C S
  NM1 S 1 | R=82 R=1,2 S S S N S R=BD,BS,FI,MC,PC,SL,UP,XX R
  NM1 S 1 | R=TT R=2 R N N N N R=AD,FI,NI,PI,PP,XV R
  NM1 S 1 | R=PR R=2 R N N N N R=AD,FI,NI,PI,PP,XV R
  NM1 S 1 | R=GB R=1,2 S S S N S S=FI,II,MI S
  MIA S 1 | R S S S S S S S S S S S S S S S S S S S S S S S
  MOA S 1 | S S S S S S S S S
  REF S 5 | R=1L,1W,28,6P,9A,9C,BB,CE,EA,F8,G1,G3,IG,SY R
  REF S 10 | R=0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,LU R
  DTM S 2 | R=232,233 R
  DTM S 1 | R=036 R
  DTM S 1 | R=050 R
  PER S 2 | R=CX S R=EM,FX,TE R S=EM,EX,FX,TE S S=EX S
  AMT S 13 | R=AU,D8,DY,F5,I,NL,T,T2,ZK,ZL,ZM,ZN,ZO R
  QTY S 14 | R=CA,CD,LA,LE,NE,NR,OU,PS,VS,ZK,ZL,ZM,ZN,ZO R
  L 2110 S 999 Service Payment Information
   SVC R 1 | R{R=AD,ER,HC,HP,IV,N4,N6,NU,UI,WK;R;S;S;S;S;S} R R S S S{R=AD,ER,HC,HP,IV,N4,NU,WK;R;S;S;S;S;S} S
   DTM S 2 | R=150,151,472 R
   CAS S 99 | R=CO,OA,PI,PR R R S S S S S S S S S S S S S S S S
   REF S 8 | R=1S,APC,BB,E9,G1,G3,LU,RB R
   REF S 1 | R=6R R
   REF S 10 | R=0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,HPI,SY,TJ R
   REF S 5 | R=0K R
   AMT S 9 | R=B6,KH,T,T2,ZK,ZL,ZM,ZN,ZO R
   QTY S 6 | R=ZK,ZL,ZM,ZN,ZO R
   LQ S 99 | R=HE,RX R
PLB S >1 | R R R{R;S} R S{R;S} S S{R;S} S S{R;S} S S{R;S} S S{R;S} S
`

// guide999 is the 005010X231A1 Implementation Acknowledgment.
const guide999 = `
ST R 1 | R=999 R R=005010X231A1
AK1 R 1 | R=BE,FA,HB,HC,HI,HN,HP,HR,HS,RA R R
L 2000 S >1 Transaction Set Response Header
 AK2 R 1 | R R S
 L 2100 S >1 Error Identification
  IK3 R 1 | R R S R=1,2,3,4,5,6,7,8,I4,I6,I7,I8,I9
  CTX S 10 | R{R=SITUATIONAL_TRIGGER;N} R R S S{R;S;S} S{R;S;S}
  CTX S 1 | R{R;R}
  L 2110 S >1 Implementation Data Element Note
   IK4 R 1 | R{R;S;S} S R=1,2,3,4,5,6,7,8,9,10,12,13,I6,I9,I10,I11,I12,I13 S
   CTX S 10 | R{R=SITUATIONAL_TRIGGER;N} R R S S{R;S;S} S{R;S;S}
 IK5 R 1 | R=A,E,M,R,W,X S=1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6 S=1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6 S=1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6 S=1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6 S=1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6
AK9 R 1 | R=A,E,M,P,R,W,X R R R S=1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26 S=1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26 S=1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26 S=1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26 S=1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26
`

func init() {
	register("835", "005010X221A1", "HP", "Health Care Claim Payment/Advice", false, guide835)
	register("999", "005010X231A1", "FA", "Implementation Acknowledgment", false, guide999)
}
