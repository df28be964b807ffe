// Package fhir is OpenRCM's FHIR R4 door: it imports a Bundle (transaction
// or collection) of Patient, Coverage, Practitioner, Organization,
// Encounter, Condition, Procedure and ChargeItem resources from an EHR onto
// the domain services, in one transaction, and exports patients,
// coverages, claims and explanations of benefit shaped as the CARIN Blue
// Button profiles shape them. The resource types are those of
// github.com/samply/golang-fhir-models; input is checked for duplicate keys
// (internal/jsondup) before it is decoded.
package fhir

// Code systems and identifier systems OpenRCM reads and writes.
const (
	SystemNPI      = "http://hl7.org/fhir/sid/us-npi"
	SystemICD10CM  = "http://hl7.org/fhir/sid/icd-10-cm"
	SystemCPT      = "http://www.ama-assn.org/go/cpt"
	SystemHCPCS    = "https://bluebutton.cms.gov/resources/codesystem/hcpcs"
	SystemHCPCSOID = "urn:oid:2.16.840.1.113883.6.285"
	SystemIDType   = "http://terminology.hl7.org/CodeSystem/v2-0203"
	SystemSubRel   = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
	SystemCARC     = "https://x12.org/codes/claim-adjustment-reason-codes"
	SystemAdjCat   = "http://terminology.hl7.org/CodeSystem/adjudication"
	SystemC4BBAdj  = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudicationDiscriminator"
	SystemCMSPOS   = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
	SystemGroupX12 = "https://x12.org/codes/claim-adjustment-group-codes"

	// SystemMRN is the identifier system under which OpenRCM exports a
	// patient's account number; imported Patients are matched by their MR
	// identifier, whatever its system.
	SystemMRN = "urn:openrcm:account-number"
)

// CARIN Blue Button profiles the exported resources claim.
const (
	ProfilePatient    = "http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Patient"
	ProfileCoverage   = "http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Coverage"
	ProfileEOBProfess = "http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Professional-NonClinician"
)
