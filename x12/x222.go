package x12

// Shared fragments of the 005010 health-care guides. Qualifier code lists
// are the ones the guides print for each position.
const (
	claimFiling = "11,12,13,14,15,16,17,AM,BL,CH,CI,DS,FI,HM,LM,MA,MB,MC,OF,TV,VA,WC,ZZ"
	pwkReport   = "03,04,05,06,07,08,09,10,11,13,15,21,A3,A4,AM,AS,B2,B3,B4,BR,BS,BT,CB,CK,CT,D2,DA,DB,DG,DJ,DS,EB,HC,HR,I5,IR,LA,M1,MT,NN,OB,OC,OD,OE,OX,OZ,P4,P5,PE,PN,PO,PQ,PY,PZ,RB,RR,RT,RX,SG,V5,XP"
	relCodes    = "01,18,19,20,21,39,40,53,G8"
	casGroups   = "CO,CR,OA,PI,PR"
	casElems    = "R=" + casGroups + " R R S S S S S S S S S S S S S S S S"
	procQual    = "ER,HC,IV,WK"
	diagPtr     = "R{R;S;S;S}"
	hiDiag      = "R{R=ABK,BK;R}"
	hiMore      = "S{R=ABF,BF;R}"
	refPlain    = "| R R"
)

// guide837P is the 005010X222A1 Health Care Claim: Professional.
const guide837P = `
ST R 1 | R=837 R R=005010X222A1
BHT R 1 | R=0019 R=00,18 R R R R=31,CH,RP
L 1000A R 1 Submitter Name
 NM1 R 1 | R=41 R=1,2 R S S N N R=46 R
 PER R 2 | R=IC S R=ED,EM,FX,TE R S=ED,EM,EX,FX,TE S S=ED,EM,EX,FX,TE S
L 1000B R 1 Receiver Name
 NM1 R 1 | R=40 R=2 R N N N N R=46 R
L 2000A R >1 Billing Provider Hierarchical Level
 HL R 1 | R N R=20 R=1
 PRV S 1 | R=BI R=PXC R
 CUR S 1 | R=85 R
 L 2010AA R 1 Billing Provider Name
  NM1 R 1 | R=85 R=1,2 R S S N S R=XX R
  N3 R 1 | R S
  N4 R 1 | R S=@state S S=@country N N S
  REF R 1 | R=EI,SY R
  REF S 2 | R=0B,1G R
  PER S 2 | R=IC S R=EM,FX,TE R S=EM,EX,FX,TE S S=EM,EX,FX,TE S
 L 2010AB S 1 Pay-to Address Name
  NM1 R 1 | R=87 R=1,2
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
  SBR R 1 | R=A,B,C,D,E,F,G,H,P,S,T,U S=18 S S S=12,13,14,15,16,41,42,43,47 N N N S=` + claimFiling + `
  PAT S 1 | N N N N S=D8 S S=01 S S=Y
  L 2010BA R 1 Subscriber Name
   NM1 R 1 | R=IL R=1,2 R S S N S R=II,MI R
   N3 S 1 | R S
   N4 S 1 | R S=@state S S=@country N N S
   DMG S 1 | R=D8 R R=F,M,U
   REF S 1 | R=SY R
   REF S 1 | R=Y4 R
   PER S 1 | R=IC S R=TE R S=EX,TE S
  L 2010BB R 1 Payer Name
   NM1 R 1 | R=PR R=2 R N N N N R=PI,XV R
   N3 S 1 | R S
   N4 S 1 | R S=@state S S=@country N N S
   REF S 3 | R=2U,EI,FY,NF R
   REF S 2 | R=G2,LU R
  L 2300 S 100 Claim Information
   CLM R 1 | R R N N R{R=@pos;R=B;R=@freq} R=N,Y R=A,B,C R=N,W,Y R=I,Y S=P S{R=AA,EM,OA;S=AA,EM,OA;N;S=@state;S=@country} S=02,03,05,09 N N N N N N N S=1,2,3,4,5,6,7,8,9,10,11,15
   DTP S 1 | R=431 R=D8 R
   DTP S 1 | R=454 R=D8 R
   DTP S 1 | R=304 R=D8 R
   DTP S 1 | R=453 R=D8 R
   DTP S 1 | R=439 R=D8 R
   DTP S 1 | R=484 R=D8 R
   DTP S 1 | R=455 R=D8 R
   DTP S 1 | R=471 R=D8 R
   DTP S 1 | R=314,360,361 R=D8,RD8 R
   DTP S 1 | R=297 R=D8 R
   DTP S 1 | R=296 R=D8 R
   DTP S 1 | R=435 R=D8 R
   DTP S 1 | R=096 R=D8 R
   DTP S 2 | R=090,091 R=D8 R
   DTP S 1 | R=444 R=D8 R
   DTP S 1 | R=050 R=D8 R
   PWK S 10 | R=` + pwkReport + ` R=AA,BM,EL,EM,FT,FX N N S=AC S
   CN1 S 1 | R=01,02,03,04,05,06,09 S S S S S
   AMT S 1 | R=F5 R
   REF S 1 | R=4N R=1,2,3,4,5,6,7
   REF S 1 | R=F5 R=Y,N
   REF S 1 | R=EW R
   REF S 1 | R=9F R
   REF S 1 | R=G1 R
   REF S 1 | R=F8 R
   REF S 1 | R=X4 R
   REF S 1 | R=9A R
   REF S 1 | R=9C R
   REF S 1 | R=LX R
   REF S 1 | R=D9 R
   REF S 1 | R=EA R
   REF S 1 | R=P4 R
   REF S 1 | R=1J R
   K3 S 10 | R
   NTE S 1 | R=ADD,CER,DCP,DGN,TPO R
   CR1 S 1 | S=LB S N R=A,B,C,D,E R=DH R N N S S
   CR2 S 1 | N N N N N N N R=A,C,D,E,F,G,M N S S
   CRC S 3 | R=07 R=N,Y R=01,04,05,06,07,08,09,12 S=01,04,05,06,07,08,09,12 S=01,04,05,06,07,08,09,12 S=01,04,05,06,07,08,09,12 S=01,04,05,06,07,08,09,12
   CRC S 3 | R=E1,E2,E3 R=N,Y R=L1,L2,L3,L4,L5 S=L1,L2,L3,L4,L5 S=L1,L2,L3,L4,L5 S=L1,L2,L3,L4,L5 S=L1,L2,L3,L4,L5
   CRC S 1 | R=75 R=Y R=IH
   CRC S 1 | R=ZZ R=N,Y R=AV,NU,S2,ST S=AV,NU,S2,ST S=AV,NU,S2,ST
   HI R 1 | ` + hiDiag + ` ` + hiMore + ` ` + hiMore + ` ` + hiMore + ` ` + hiMore + ` ` + hiMore + ` ` + hiMore + ` ` + hiMore + ` ` + hiMore + ` ` + hiMore + ` ` + hiMore + ` ` + hiMore + `
   HI S 1 | R{R=BP;R;N;N;N;N;N;N;N} S{R=BO;R}
   HI S 2 | R{R=BG;R} S{R=BG;R} S{R=BG;R} S{R=BG;R} S{R=BG;R} S{R=BG;R} S{R=BG;R} S{R=BG;R} S{R=BG;R} S{R=BG;R} S{R=BG;R} S{R=BG;R}
   HCP S 1 | R=00,01,02,03,04,05,07,08,09,10,11,12,13,14 R S S S S S N N N N N S=T1,T2,T3,T4,T5,T6 S=1,2,3,4,5 S=1,2,3,4,5,6
   L 2310A S 2 Referring Provider Name
    NM1 R 1 | R=DN,P3 R=1 R S S N S S=XX S
    REF S 3 | R=0B,1G,G2 R
   L 2310B S 1 Rendering Provider Name
    NM1 R 1 | R=82 R=1,2 R S S N S S=XX S
    PRV S 1 | R=PE R=PXC R
    REF S 4 | R=0B,1G,G2,LU R
   L 2310C S 1 Service Facility Location Name
    NM1 R 1 | R=77 R=2 R N N N N S=XX S
    N3 R 1 | R S
    N4 R 1 | R S=@state S S=@country N N S
    REF S 3 | R=0B,G2,LU R
    PER S 1 | R=IC S R=TE R S=EX S
   L 2310D S 1 Supervising Provider Name
    NM1 R 1 | R=DQ R=1 R S S N S S=XX S
    REF S 4 | R=0B,1G,G2,LU R
   L 2310E S 1 Ambulance Pick-up Location
    NM1 R 1 | R=PW R=2
    N3 R 1 | R S
    N4 R 1 | R S=@state S S=@country N N S
   L 2310F S 1 Ambulance Drop-off Location
    NM1 R 1 | R=45 R=2 S
    N3 R 1 | R S
    N4 R 1 | R S=@state S S=@country N N S
   L 2320 S 10 Other Subscriber Information
    SBR R 1 | R=A,B,C,D,E,F,G,H,P,S,T,U R=` + relCodes + ` S S S=12,13,14,15,16,41,42,43,47 N N N S=` + claimFiling + `
    CAS S 5 | ` + casElems + `
    AMT S 1 | R=D R
    AMT S 1 | R=A8 R
    AMT S 1 | R=EAF R
    OI R 1 | N N R=N,W,Y S=P N R=I,Y
    MOA S 1 | S S S S S S S S S
    L 2330A R 1 Other Subscriber Name
     NM1 R 1 | R=IL R=1,2 R S S N S R=II,MI R
     N3 S 1 | R S
     N4 S 1 | R S=@state S S=@country N N S
     REF S 1 | R=SY R
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
    L 2330C S 2 Other Payer Referring Provider
     NM1 R 1 | R=DN,P3 R=1
     REF R 3 | R=0B,1G,G2 R
    L 2330D S 1 Other Payer Rendering Provider
     NM1 R 1 | R=82 R=1,2
     REF R 3 | R=0B,1G,G2,LU R
    L 2330E S 1 Other Payer Service Facility Location
     NM1 R 1 | R=77 R=2
     REF R 3 | R=0B,G2,LU R
    L 2330F S 1 Other Payer Supervising Provider
     NM1 R 1 | R=DQ R=1
     REF R 3 | R=0B,1G,G2,LU R
    L 2330G S 1 Other Payer Billing Provider
     NM1 R 1 | R=85 R=1,2
     REF R 2 | R=G2,LU R
   L 2400 R 50 Service Line Number
    LX R 1 | R
    SV1 R 1 | R{R=` + procQual + `;R;S;S;S;S;S} R R=MJ,UN R S=@pos N ` + diagPtr + ` N S=Y N S=Y S=Y N N S=0
    SV5 S 1 | R{R=HC;R} R=DA R R R R=1,4,6
    PWK S 10 | R=` + pwkReport + ` R=AA,BM,EL,EM,FT,FX N N S=AC S
    PWK S 1 | R=CT R=AB,AD,AF,AG,NS
    CR1 S 1 | S=LB S N R=A,B,C,D,E R=DH R N N S S
    CR3 S 1 | R=I,R,S R=MO R
    CRC S 3 | R=07 R=N,Y R=01,04,05,06,07,08,09,12 S=01,04,05,06,07,08,09,12 S=01,04,05,06,07,08,09,12 S=01,04,05,06,07,08,09,12 S=01,04,05,06,07,08,09,12
    CRC S 1 | R=70 R=N,Y R=65
    CRC S 1 | R=09 R=N,Y R=38,ZV S=38,ZV
    DTP R 1 | R=472 R=D8,RD8 R
    DTP S 1 | R=471 R=D8 R
    DTP S 1 | R=607 R=D8 R
    DTP S 1 | R=463 R=D8 R
    DTP S 1 | R=461 R=D8 R
    DTP S 1 | R=304 R=D8 R
    DTP S 2 | R=738,739 R=D8 R
    DTP S 1 | R=011 R=D8 R
    DTP S 1 | R=455 R=D8 R
    DTP S 1 | R=454 R=D8 R
    QTY S 1 | R=PT R
    QTY S 1 | R=FL R
    MEA S 5 | R=OG,TR R=HT,R1,R2,R3,R4 R
    CN1 S 1 | R=01,02,03,04,05,06,09 S S S S S
    REF S 1 | R=9B R
    REF S 1 | R=9D R
    REF S 5 | R=G1 R N S{R=2U;R}
    REF S 1 | R=6R R
    REF S 1 | R=EW R
    REF S 1 | R=X4 R
    REF S 1 | R=F4 R
    REF S 1 | R=BT R
    REF S 5 | R=9F R N S{R=2U;R}
    AMT S 1 | R=T R
    AMT S 1 | R=F4 R
    K3 S 10 | R
    NTE S 1 | R=ADD,DCP R
    NTE S 1 | R=TPO R
    PS1 S 1 | R R
    HCP S 1 | R=00,01,02,03,04,05,06,07,08,09,10,11,12,13,14 R S S S S S N S=` + procQual + ` S S=MJ,UN S S=T1,T2,T3,T4,T5,T6 S=1,2,3,4,5 S=1,2,3,4,5,6
    L 2410 S 1 Drug Identification
     LIN R 1 | N R=EN,EO,HI,N4,ON,UK,UP R
     CTP R 1 | N N N R R{R=F2,GR,ME,ML,UN}
     REF S 1 | R=VY,XZ R
    L 2420A S 1 Rendering Provider Name
     NM1 R 1 | R=82 R=1,2 R S S N S S=XX S
     PRV S 1 | R=PE R=PXC R
     REF S 20 | R=0B,1G,G2,LU R N S{R=2U;R}
    L 2420B S 1 Purchased Service Provider Name
     NM1 R 1 | R=QB R=1,2 N N N N N S=XX S
     REF S 20 | R=0B,1G,G2 R N S{R=2U;R}
    L 2420C S 1 Service Facility Location Name
     NM1 R 1 | R=77 R=2 R N N N N S=XX S
     N3 R 1 | R S
     N4 R 1 | R S=@state S S=@country N N S
     REF S 3 | R=G2,LU R N S{R=2U;R}
    L 2420D S 1 Supervising Provider Name
     NM1 R 1 | R=DQ R=1 R S S N S S=XX S
     REF S 20 | R=0B,1G,G2,LU R N S{R=2U;R}
    L 2420E S 1 Ordering Provider Name
     NM1 R 1 | R=DK R=1 R S S N S S=XX S
     N3 S 1 | R S
     N4 S 1 | R S=@state S S=@country N N S
     REF S 20 | R=0B,1G,G2 R N S{R=2U;R}
     PER S 1 | R=IC S R=EM,FX,TE R S=EM,EX,FX,TE S S=EM,EX,FX,TE S
    L 2420F S 2 Referring Provider Name
     NM1 R 1 | R=DN,P3 R=1 R S S N S S=XX S
     REF S 20 | R=0B,1G,G2 R N S{R=2U;R}
    L 2420G S 1 Ambulance Pick-up Location
     NM1 R 1 | R=PW R=2
     N3 R 1 | R S
     N4 R 1 | R S=@state S S=@country N N S
    L 2420H S 1 Ambulance Drop-off Location
     NM1 R 1 | R=45 R=2 S
     N3 R 1 | R S
     N4 R 1 | R S=@state S S=@country N N S
    L 2430 S 15 Line Adjudication Information
     SVD R 1 | R R R{R=` + procQual + `;R;S;S;S;S;S} N R S
     CAS S 5 | ` + casElems + `
     DTP R 1 | R=573 R=D8 R
     AMT S 1 | R=EAF R
    L 2440 S >1 Form Identification Code
     LQ R 1 | R=AS,UT R
     FRM R 99 | R S=N,W,Y S S S
  L 2000C S >1 Patient Hierarchical Level
   HL R 1 | R R R=23 R=0
   PAT R 1 | R=01,19,20,21,39,40,53,G8 N N N S=D8 S S=01 S S=Y
   L 2010CA R 1 Patient Name
    NM1 R 1 | R=QC R=1 R S S N S
    N3 R 1 | R S
    N4 R 1 | R S=@state S S=@country N N S
    DMG R 1 | R=D8 R R=F,M,U
    REF S 1 | R=Y4 R
    REF S 1 | R=1W,SY R
    PER S 1 | R=IC S R=TE R S=EX S
   L 2300 R 100 @
`

func init() {
	register("837", "005010X222A1", "HC", "Health Care Claim: Professional", true, guide837P)
}
