package eligibility

// ServiceTypes are the EQ01 and EB03 service type codes OpenRCM asks about
// and explains, each with the short lower-case words a summary uses. The
// guide's list is longer; these are the ones a medical practice meets.
var ServiceTypes = map[string]string{
	"1": "medical care", "2": "surgical", "3": "consultation", "4": "diagnostic x-ray", "5": "diagnostic lab",
	"6": "radiation therapy", "7": "anesthesia", "8": "surgical assistance", "12": "durable medical equipment purchase",
	"18": "durable medical equipment rental", "30": "health benefit plan coverage", "33": "chiropractic",
	"35": "dental care", "42": "home health care", "45": "hospice", "47": "hospital", "48": "hospital inpatient",
	"50": "hospital outpatient", "51": "emergency accident", "52": "emergency medical", "53": "ambulatory surgery",
	"62": "MRI/CAT scan", "65": "newborn care", "68": "well baby care", "69": "maternity", "73": "diagnostic medical",
	"76": "dialysis", "78": "chemotherapy", "80": "immunizations", "81": "routine physical", "86": "emergency services",
	"88": "pharmacy", "93": "podiatry", "98": "office visit", "99": "inpatient physician visit",
	"A0": "outpatient physician visit", "A3": "home visit", "A4": "psychiatric", "A6": "psychotherapy",
	"A7": "inpatient psychiatric", "A8": "outpatient psychiatric", "AD": "occupational therapy", "AE": "physical medicine",
	"AF": "speech therapy", "AG": "skilled nursing care", "AL": "vision (optometry)", "BY": "sick office visit",
	"BZ": "well office visit", "MH": "mental health", "PT": "physical therapy", "UC": "urgent care",
}

// benefitCodes are the EB01 eligibility or benefit information codes.
var benefitCodes = map[string]string{
	"1": "Active coverage", "2": "Active, full risk capitation", "3": "Active, services capitated",
	"4": "Active, services capitated to primary care physician", "5": "Active, pending investigation",
	"6": "Inactive", "7": "Inactive, pending eligibility update", "8": "Inactive, pending investigation",
	"A": "Co-insurance", "B": "Co-payment", "C": "Deductible", "CB": "Coverage basis", "D": "Benefit description",
	"E": "Exclusions", "F": "Limitations", "G": "Out of pocket (stop loss)", "H": "Unlimited", "I": "Non-covered",
	"J": "Cost containment", "K": "Reserve", "L": "Primary care provider", "M": "Pre-existing condition",
	"MC": "Managed care coordinator", "N": "Services restricted to following provider", "O": "Not deemed a medical necessity",
	"P": "Benefit disclaimer", "Q": "Second surgical opinion required", "R": "Other or additional payer",
	"S": "Prior year(s) history", "T": "Card(s) reported lost/stolen", "U": "Contact following entity for eligibility or benefit information",
	"V": "Cannot process", "W": "Other source of data", "X": "Health care facility", "Y": "Spend down",
}

// periods are the EB06 and HSD05 time period qualifiers, as words.
var periods = map[string]string{
	"6": "per hour", "7": "per day", "13": "per 24 hours", "21": "per year", "22": "per service year",
	"23": "per calendar year", "24": "year to date", "25": "per contract", "26": "per episode", "27": "per visit",
	"28": "outlier", "29": "remaining", "30": "exceeded", "31": "not exceeded", "32": "lifetime",
	"33": "lifetime remaining", "34": "per month", "35": "per week", "36": "per admission",
}

// quantityUnits are the EB09 and HSD01 quantity qualifiers, as plural words.
var quantityUnits = map[string]string{
	"99": "units", "CA": "covered days", "CE": "co-insurance days", "D3": "days", "DB": "deductible blood units",
	"DY": "days", "HS": "hours", "LA": "life-time reserve days (actual)", "LE": "life-time reserve days (estimated)",
	"M2": "maximum", "MN": "months", "P6": "periods", "QA": "units", "S7": "age (high)", "S8": "age (low)",
	"VS": "visits", "YY": "years",
}

// reason is a plain-language reading of an AAA03 reject reason code and
// what the front desk should do about it.
type reason struct{ what, fix string }

// rejectReasons are the AAA03 reject reason codes of the 271, in words a
// front desk can act on (005010X279A1 2000A, 2100A, 2100B, 2100C, 2110C
// AAA).
var rejectReasons = map[string]reason{
	"04": {"the authorized quantity was exceeded", ""},
	"15": {"information the payer needs is missing from the inquiry", "Complete the patient's and coverage's details and check again."},
	"33": {"the inquiry had input errors", "Review the coverage details and check again."},
	"35": {"the provider is out of network for this plan", "Tell the patient the visit is out of network."},
	"41": {"the payer restricts who may ask about this member", "Call the payer."},
	"42": {"the payer cannot answer right now", "Check again later."},
	"43": {"the payer does not recognize the provider's identifier", "Check the practice's NPI and its enrollment with the payer."},
	"44": {"the provider's name is missing or wrong", "Check the practice's name as enrolled with the payer."},
	"45": {"the provider's specialty is missing or wrong", "Check the practice's taxonomy."},
	"46": {"the provider's phone number is missing or wrong", "Check the practice's phone number."},
	"47": {"the provider's state is missing or wrong", "Check the practice's address."},
	"48": {"the referring provider's identifier is missing or wrong", "Check the referring provider."},
	"49": {"the provider is not the member's primary care physician", "Check the member's primary care physician or referral."},
	"50": {"the provider may not make eligibility inquiries with this payer", "Enroll the practice with the payer for electronic inquiries, or call the payer."},
	"51": {"the provider is not on file with the payer", "Check the practice's enrollment with the payer."},
	"52": {"the date of service is outside the provider's enrollment", "Check the date of service and the practice's enrollment."},
	"53": {"the benefit asked about does not fit the provider's type", "Ask about another service type."},
	"54": {"the service type qualifier is wrong", "Ask about another service type."},
	"55": {"the service type asked about is wrong", "Ask about another service type."},
	"56": {"a date in the inquiry is not acceptable", "Check the date of service."},
	"57": {"the date of service is missing or invalid", "Check the date of service."},
	"58": {"the birth date is missing or invalid", "Confirm the patient's birth date and check again."},
	"60": {"the birth date is after the date of service", "Check the birth date and the date of service."},
	"61": {"the payer's records show a date of death before the date of service", "Confirm the patient's identity with the payer."},
	"62": {"the date of service is outside the period the payer answers for", "Ask for a date closer to today."},
	"63": {"the date of service is in the future", "Ask for today's date or an earlier one."},
	"69": {"the request does not fit the patient's age", "Check the birth date and service type."},
	"70": {"the request does not fit the patient's sex", "Check the patient's sex and service type."},
	"71": {"the patient's birth date does not match the payer's records", "Confirm the birth date with the patient (and the card), correct it and check again."},
	"72": {"the payer does not recognize the member ID", "Check the member ID on the insurance card, correct the coverage and check again."},
	"73": {"the subscriber's name is missing or does not match", "Check the subscriber's name against the insurance card."},
	"74": {"the subscriber's sex is missing or wrong", "Check the subscriber's sex."},
	"75": {"the payer cannot find the subscriber", "Check the subscriber's name, birth date and member ID against the card, or ask the patient for current insurance."},
	"76": {"the member ID is on file twice at the payer", "Call the payer."},
	"78": {"the subscriber is not in the group or plan named", "Check the group number on the card."},
	"79": {"the payer does not recognize the participant", "Check the payer ID and the sender's enrollment."},
	"80": {"no response was received; the inquiry ended", "Check again later."},
	"97": {"the provider's address is missing or wrong", "Check the practice's address."},
	"98": {"the service is experimental", ""},
	"AA": {"the authorization number was not found", "Check the authorization number."},
	"AE": {"the primary care physician must authorize the service", "Get a referral from the primary care physician."},
	"AF": {"diagnosis codes are missing or invalid", "Check the diagnosis codes."},
	"AG": {"procedure codes are missing or invalid", "Check the procedure codes."},
	"AO": {"more information on the patient's condition is needed", "Call the payer."},
	"CI": {"the certification does not match the patient", "Check the certification."},
	"E8": {"the service requires medical review", ""},
	"IA": {"the authorization number has the wrong format", "Check the authorization number."},
	"MA": {"an authorization is missing", "Get an authorization."},
	"T4": {"the payer's name or identifier is missing", "Check the payer ID on the coverage."},
}

// followUps are the AAA04 follow-up action codes, in words.
var followUps = map[string]string{
	"C": "Correct the information and check again.",
	"N": "The payer will not accept this inquiry again.",
	"P": "Send the original inquiry again.",
	"R": "You may check again.",
	"S": "Do not check again; the payer has asked a third party and will answer.",
	"W": "Wait 30 days and check again.",
	"X": "Wait 10 days and check again.",
	"Y": "Do not check again; the payer will process the inquiry by hand and answer later.",
}

// entityRoles are the 2120C NM101 entity identifier codes a summary names.
var entityRoles = map[string]string{
	"P3": "primary care provider", "PR": "payer", "PRP": "primary payer", "SEP": "secondary payer",
	"TTP": "tertiary payer", "IL": "insured", "1P": "provider", "13": "contracted service provider",
	"VN": "vendor", "X3": "utilization management organization", "Y2": "managed care organization",
}
