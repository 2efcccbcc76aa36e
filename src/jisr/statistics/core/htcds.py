"""HTCDS 2.0 vocabulary and the one mapping of Jisr's case data into it. Pure.

Every export (aggregate tables, k-anonymous microdata, the donor report) and the referral envelope
speak HTCDS through this module: `case_to_htcds` for HTCDS field names and picklist codes, and
`case_to_ctdc` for the CTDC columns derived from them.

Source: "Human Trafficking Case Data Standard (HTCDS) by IOM", v2.0 (24 Dec 2021), CC BY 4.0,
`HTCDS Field Standards 2.0.ods` (UNMigration/HTCDS). The table `FIELDS` below was generated once from
`shared/data/htcds_v2_field_standards.csv` (83 fields) and is checked in, so nothing reads that file at
run time; `tests/statistics/test_htcds.py` compares it with the file when the file is present.

Mapping decisions (Jisr → HTCDS):

- `Person.sex` already holds `prs_Gender` codes.
- `Person.nationality` (ISO 3166 alpha-2) → `prs_Citizenship` (a list: HTCDS allows several).
- `Case.exploitation_types` already holds `vic_TypeOfExploitation` codes (a set; sorted).
- `Case.status`: open → `Active`; closed → `Closed`, or `ClosedReferred` when the closure reason is a
  transfer. `cas_ReasonForCaseClosure` is long text in HTCDS: Jisr exports its closure-reason code.
- Age is never exported as a birth date (`prs_Birthdate` is identifying): exports carry an age band.

Jisr → CTDC (for comparison with the CTDC global dataset): `gender` Female/Male (other HTCDS codes →
unknown, as CTDC's VP dataset has only these two), `majorityStatus` Adult/Minor, `ageBroad` (CTDC
"Age range 2"), `isForcedLabour` / `isSexualExploit` / `isOtherExploit` flags (1 or None = not set).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jisr.statistics.core.agebands import CTDC_BANDS, JISR_BANDS, band_of, is_minor


@dataclass(frozen=True)
class Field:
    section: str
    status: str  # DRAFT or DEPRECATED
    core: bool
    label: str
    type: str
    picklist: tuple[str, ...]


FIELDS: dict[str, Field] = {
    "org_Name": Field("Organization", "DRAFT", False, "Organisation Name", "Text", ()),
    "org_ShippingCity": Field("Organization", "DRAFT", False, "Shipping City", "Text", ()),
    "org_ShippingCountry": Field("Organization", "DRAFT", False, "Shipping Country", "Picklist or Text", ()),
    "org_ShippingState": Field("Organization", "DRAFT", False, "Shipping State/Province", "Picklist or Text", ()),
    "org_ShippingStreet": Field("Organization", "DRAFT", False, "Shipping Street", "Text", ()),
    "org_ShippingPostalCode": Field("Organization", "DRAFT", False, "Shipping Zip/Postal Code", "Text", ()),
    "org_ShippingLongitude": Field("Organization", "DRAFT", False, "Longitude", "Geolocation", ()),
    "org_ShippingLatitude": Field("Organization", "DRAFT", False, "Latitude", "Geolocation", ()),
    "org_Phone": Field("Organization", "DRAFT", False, "Phone", "Text", ()),
    "org_Type": Field(
        "Organization",
        "DRAFT",
        False,
        "Type",
        "Picklist",
        (
            "NGO",
            "LawEnforcement",
            "HealthServiceOrganisation",
            "CentralGovernmentOrganisation",
            "LocalGovernmentOrganisation",
            "ImmigrationService",
            "LegalService",
            "CorporateBusiness",
            "SchoolOrCollege",
        ),
    ),
    "prs_Salutation": Field("Person", "DRAFT", True, "Salutation", "Text", ()),
    "prs_FirstName": Field("Person", "DRAFT", True, "First Name", "Text", ()),
    "prs_MiddleName": Field("Person", "DRAFT", False, "Middle Name", "Text", ()),
    "prs_SecondName": Field("Person", "DRAFT", True, "Second Name", "Text", ()),
    "prs_Birthdate": Field("Person", "DRAFT", True, "Birthdate", "Date", ()),
    "prs_Gender": Field(
        "Person",
        "DRAFT",
        True,
        "Gender",
        "Picklist",
        (
            "Feminine",
            "Masculine",
            "TransgenderFeminine",
            "TransgenderMasculine",
            "NonConforming",
            "NonSpecifiedUnknown",
        ),
    ),
    "prs_Deceased": Field("Person", "DRAFT", False, "Deceased", "Checkbox", ()),
    "prs_MaritalStatus": Field(
        "Person",
        "DRAFT",
        False,
        "Marital Status",
        "Picklist",
        ("Single", "Married", "Widowed", "Divorced", "Separated", "RegisteredPartnership"),
    ),
    "prs_NumberOfChildren": Field("Person", "DRAFT", False, "Number of Children", "Number", ()),
    "prs_PrimaryLanguage": Field("Person", "DRAFT", False, "Primary Language", "Picklist", ()),
    "prs_SecondaryLanguage": Field("Person", "DRAFT", False, "Secondary Language", "Picklist", ()),
    "prs_HighestLevelOfEducation": Field(
        "Person",
        "DRAFT",
        False,
        "Highest Level of Education",
        "Picklist",
        (
            "EarlyChildhoodEducation",
            "PrimaryEducation",
            "LowerSecondaryEducation",
            "UpperSecondaryEducation",
            "PostSecondaryNonTertiaryEducation",
            "ShortCycleTertiaryEducation",
            "BachelorsOrEquivalentLevel",
            "MastersOrEquivalentLevel",
            "DoctoralOrEquivalentLevel",
        ),
    ),
    "prs_Citizenship": Field("Person", "DRAFT", True, "Citizenship", "Multiselect Picklist", ()),
    "prs_IdentityNumber": Field("Person", "DRAFT", False, "Identity Number", "Text", ()),
    "prs_Title": Field("Person", "DRAFT", True, "Title", "Text", ()),
    "prs_Email": Field("Person", "DRAFT", True, "Email", "Text", ()),
    "prs_HomePhone": Field("Person", "DRAFT", True, "Home Phone", "Text", ()),
    "prs_MobilePhone": Field("Person", "DRAFT", True, "Mobile Phone", "Text", ()),
    "prs_MailingCity": Field("Person", "DRAFT", True, "Mailing City", "Text", ()),
    "prs_MailingCountry": Field("Person", "DRAFT", True, "Mailing Country", "Text", ()),
    "prs_MailingState": Field("Person", "DRAFT", True, "Mailing State/Province", "Text", ()),
    "prs_MailingStreet": Field("Person", "DRAFT", True, "Mailing Street", "Text", ()),
    "prs_MailingPostalCode": Field("Person", "DRAFT", True, "Mailing Zip/Postal Code", "Text", ()),
    "prs_MailingLongitude": Field("Person", "DRAFT", False, "Longitude", "Number", ()),
    "prs_MailingLatitude": Field("Person", "DRAFT", False, "Latitude", "Number", ()),
    "vic_AgreementToManagePersonalData": Field(
        "Person - Victim Context", "DEPRECATED", False, "Agreement to Manage Personal Data", "Checkbox", ()
    ),
    "vic_TraffickingStatus": Field(
        "Person - Victim Context",
        "DRAFT",
        True,
        "Trafficking Status",
        "Picklist",
        ("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking", "NotAVictimOfTrafficking"),
    ),
    "vic_TraffickingStatusDecisionMakingOrg": Field(
        "Person - Victim Context",
        "DRAFT",
        True,
        "Trafficking Status Decision Making Organization",
        "Picklist",
        ("Police", "NGO", "CourtOrProsecution", "NonPoliceGovernmentalOrganization", "Other"),
    ),
    "vic_RelationshipToTrafficker": Field(
        "Person - Victim Context",
        "DRAFT",
        False,
        "Relationship to Trafficker",
        "Picklist",
        ("Familial", "Acquainted", "Unaquainted"),
    ),
    "vic_AgeWhenTrafficked": Field("Person - Victim Context", "DRAFT", False, "Age when Trafficked", "Number", ()),
    "vic_RecruitmentWebsitesAndApps": Field(
        "Person - Victim Context",
        "DRAFT",
        False,
        "Recruitment Websites and Apps",
        "Multiselect Picklist",
        (
            "Facebook",
            "Instagram",
            "WhatsApp",
            "Telegram",
            "FacebookMessenger",
            "Viber",
            "SnapChat",
            "Line",
            "4Sale",
            "WeChat",
            "QQ",
            "QZone",
            "TikTok",
            "Twitter",
            "Other",
        ),
    ),
    "vic_MethodOfRecruitment": Field(
        "Person - Victim Context",
        "DRAFT",
        True,
        "Method of Recruitment",
        "Multiselect Picklist",
        (
            "AtAPlaceOfBusiness",
            "AtAnEducationalInstitution",
            "AtWork",
            "ThroughOnlineSocialNetworks",
            "ThroughAnOnlineAdvertisement",
            "ThroughATelevisionAdvert",
            "ThroughANewspaperAdvert",
            "ThroughFamilyOrFamilyEvents",
            "ThroughFriendsOrSocialEvents",
            "Other",
        ),
    ),
    "vic_LocationOfRecruitment": Field(
        "Person - Victim Context", "DRAFT", True, "Location of Recruitment", "Lookup [to organisation]", ()
    ),
    "vic_MethodsOfControl": Field(
        "Person - Victim Context",
        "DRAFT",
        True,
        "Methods of Control",
        "Multiselect Picklist",
        (
            "PhysicalThreats",
            "ThreatsLawEnforcement",
            "ThreatensChildrenFamily",
            "DebtBondage",
            "FalsePromises",
            "PhysicalAbuse",
            "SexualAbuse",
            "TakesEarnings",
            "RestrictsFinancialAccess",
            "RestrictsMedicalCare",
            "WithholdsNecessities",
            "PsychologicalAbuse",
            "PsychoactiveSubstance",
            "ExcessiveWorkingHours",
            "WithholdsDocuments",
            "Other",
        ),
    ),
    "vic_TypeOfExploitation": Field(
        "Person - Victim Context",
        "DRAFT",
        True,
        "Type of Exploitation",
        "Multiselect Picklist",
        (
            "ForcedLabour",
            "SexualExploitation",
            "ChildLabour",
            "ForcedMarriage",
            "Servitude",
            "ForcedMilitaryByNonStateActors",
            "OrganRemoval",
            "ForcedBegging",
            "ForcedAdoption",
            "Surrogacy",
            "Other",
        ),
    ),
    "vic_ForcedLabourIndustry": Field(
        "Person - Victim Context",
        "DRAFT",
        True,
        "Forced Labour Industry",
        "Picklist",
        (
            "A_AgricultureForestryAndFishing",
            "B_MiningAndQuarrying",
            "C_Manufacturing",
            "D_ElectricityGasSteamAndAirConditioningSupply",
            "E_WaterSupplySewerageWasteManagement",
            "F_Construction",
            "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
            "H_TransportationAndStorage",
            "I_AccommodationAndFoodServiceActivities",
            "J_InformationAndCommunication",
            "K_FinancialAndInsuranceActivities",
            "L_RealEstateActivities",
            "M_ProfessionalScientificAndTechnicalActivities",
            "N_AdministrativeAndSupportServiceActivities",
            "O_PublicAdministrationAndDefence",
            "P_Education",
            "Q_HumanHealthAndSocialWorkActivities",
            "R_ArtsEntertainmentAndRecreation",
            "S_OtherServiceActivities",
            "T_ActivitiesOfHouseholdsAsEmployers",
            "U_ActivitiesOfExtraterritorialOrganizations",
        ),
    ),
    "vic_TypeOfSexExploitation": Field(
        "Person - Victim Context",
        "DRAFT",
        True,
        "Type of Sex Exploitation",
        "Multiselect Picklist",
        ("Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices"),
    ),
    "vic_LocationOfExploitation": Field(
        "Person - Victim Context", "DRAFT", True, "Location of Exploitation", "Lookup [to organisation]", ()
    ),
    "vic_ExploitationWebsitesAndApps": Field(
        "Person - Victim Context",
        "DRAFT",
        False,
        "Exploitation Websites and Apps",
        "Multiselect Picklist",
        (
            "Facebook",
            "Instagram",
            "WhatsApp",
            "Telegram",
            "FacebookMessenger",
            "Viber",
            "SnapChat",
            "Line",
            "4Sale",
            "WeChat",
            "QQ",
            "QZone",
            "TikTok",
            "Twitter",
            "Other",
        ),
    ),
    "vic_Vulnerabilities": Field(
        "Person - Victim Context",
        "DEPRECATED",
        True,
        "Vulnerabilities",
        "Multiselect Picklist",
        (
            "Addiction",
            "SocialGroup",
            "Discrimination",
            "Poverty",
            "DisabilityAndPhysicalHealth",
            "MentalHealth",
            "Migration",
            "Homelessness",
            "AbuseSocialMedia",
            "AbusePhysical",
            "Education",
            "WorkEnvironment",
        ),
    ),
    "vic_DetailsOfVulnerabilities": Field(
        "Person - Victim Context", "DEPRECATED", True, "Details Of Vulnerabilities", "Long Text", ()
    ),
    "per_RoleInProcess": Field(
        "Person - Perpetrator Context",
        "DRAFT",
        False,
        "Role in Process",
        "Multiselect Picklist",
        (
            "TravellingPartner",
            "Transporter",
            "RecruiterOrIntermediary",
            "BrokerTravelAgent",
            "TransferredIndividual",
            "HarbouredIndividual",
            "SoldIndividual",
            "BoughtIndividual",
            "ReceivedIndividual",
            "ControlledIndividual",
            "Smuggler",
            "Abuser",
            "Kidnapper",
            "Exploiter",
            "Other",
        ),
    ),
    "per_RoleDetails": Field("Person - Perpetrator Context", "DRAFT", False, "Role Details", "Long Text", ()),
    "cas_Status": Field(
        "Case", "DRAFT", True, "Status", "Picklist", ("Active", "FollowUp", "Closed", "ClosedReferred")
    ),
    "cas_ReasonForCaseClosure": Field("Case", "DRAFT", True, "Reason for Case Closure", "Long Text", ()),
    "cas_CaseOwner": Field("Case", "DRAFT", True, "Case Owner", "Lookup [to user]", ()),
    "cas_ReferringOrganisation": Field(
        "Referral Details", "DRAFT", True, "Referring Organisation", "Lookup [to organisation]", ()
    ),
    "cas_IncomingReferralDate": Field("Referral Details", "DRAFT", True, "Incoming Referral Date", "Date", ()),
    "cas_ReferringPrimaryCaseWorker": Field(
        "Referral Details", "DRAFT", True, "Referring Primary Case Worker", "Lookup [to person]", ()
    ),
    "cas_ReasonForIncomingReferral": Field(
        "Referral Details",
        "DRAFT",
        True,
        "Reason for Incoming Referral",
        "Picklist",
        ("AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other"),
    ),
    "cas_IncomingReferralDetails": Field(
        "Referral Details", "DRAFT", True, "Incoming Referral Details", "Long Text", ()
    ),
    "cas_ReferredOrganisation": Field(
        "Referral Details", "DRAFT", True, "Referred Organisation", "Lookup [to organisation]", ()
    ),
    "cas_ReferredPrimaryCaseWorker": Field(
        "Referral Details", "DRAFT", True, "Referred Primary Case Worker", "Lookup [to person]", ()
    ),
    "cas_ReasonForOutgoingReferral": Field(
        "Referral Details",
        "DRAFT",
        True,
        "Reason for Outgoing Referral",
        "Picklist",
        ("AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other"),
    ),
    "cas_OutgoingReferralDate": Field("Referral Details", "DRAFT", True, "Outgoing Referral Date", "Date", ()),
    "cas_OutgoingReferralDetails": Field(
        "Referral Details", "DRAFT", True, "Outgoing Referral Details", "Long Text", ()
    ),
    "cco_CaseComment": Field("Case Comment", "DRAFT", False, "Case Comment", "Long Text", ()),
    "hte_Longitude": Field("Historic Trafficking Events", "DRAFT", False, "Longitude", "Geolocation", ()),
    "hte_Latitude": Field("Historic Trafficking Events", "DRAFT", False, "Latitude", "Geolocation", ()),
    "hte_City": Field("Historic Trafficking Events", "DRAFT", False, "City", "Text", ()),
    "hte_Country": Field("Historic Trafficking Events", "DRAFT", False, "Country", "Text", ()),
    "hte_State": Field("Historic Trafficking Events", "DRAFT", False, "State", "Text", ()),
    "hte_Street": Field("Historic Trafficking Events", "DRAFT", False, "Street", "Text", ()),
    "hte_PostalCode": Field("Historic Trafficking Events", "DRAFT", False, "PostalCode", "Text", ()),
    "hte_Date": Field("Historic Trafficking Events", "DRAFT", False, "Date", "Date", ()),
    "hte_Type": Field(
        "Historic Trafficking Events", "DRAFT", False, "Type", "Picklist", ("Recruitment", "Transit", "Exploitation")
    ),
    "hte_Description": Field("Historic Trafficking Events", "DRAFT", False, "Description", "Long Text", ()),
    "spl_Objectives": Field("Support Plan", "DRAFT", False, "Objectives", "Long Text", ()),
    "spl_ActionPlan": Field("Support Plan", "DRAFT", False, "Action Plan", "Long Text", ()),
    "spl_PlannedEndDate": Field("Support Plan", "DRAFT", False, "Planned End Date", "Date", ()),
    "spl_ActualEndDate": Field("Support Plan", "DRAFT", False, "Actual End Date", "Date", ()),
    "spl_Type": Field(
        "Support Plan",
        "DRAFT",
        False,
        "Type",
        "Picklist",
        (
            "Education",
            "Financial",
            "Health",
            "LabourExploitationRehabilitation",
            "Legal",
            "Livelihood",
            "RightsBasedTraining",
            "SexualExploitationRehabilitation",
            "SocialCare",
        ),
    ),
    "con_Consent": Field("Consent", "DRAFT", True, "Consent", "Checkbox", ()),
}

GENDER = FIELDS["prs_Gender"].picklist
EXPLOITATION_TYPES = FIELDS["vic_TypeOfExploitation"].picklist
CASE_STATUSES = FIELDS["cas_Status"].picklist

# Jisr closure-reason codes that mean the person went on to another organisation.
_REFERRED_CLOSURES = frozenset({"transferred"})
_CTDC_GENDER = {"Feminine": "Female", "Masculine": "Male"}
_CTDC_OTHER_EXPLOITATION = frozenset(EXPLOITATION_TYPES) - {"ForcedLabour", "SexualExploitation"}


@dataclass(frozen=True)
class CaseRecord:
    """The clear, non-identifying facts of one case that statistics may use (no names, no birth date)."""

    sex: str
    nationality: str  # ISO alpha-2 or ""
    age: int | None  # completed years at `opened_on`
    exploitation_types: tuple[str, ...]
    status: str  # "open" / "closed"
    closure_reason: str
    trm_stage: str
    opened_on: dt.date
    closed_on: dt.date | None = None
    organisation: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def check_value(field_name: str, value: str) -> str:
    """`value` if it is on `field_name`'s picklist (or the field has none); ValueError otherwise."""
    picklist = FIELDS[field_name].picklist
    if picklist and value not in picklist:
        raise ValueError(f"{value!r} is not an HTCDS {field_name} value")
    return value


def case_status(status: str, closure_reason: str) -> str:
    """HTCDS `cas_Status` of a Jisr case."""
    if status == "open":
        return "Active"
    return "ClosedReferred" if closure_reason in _REFERRED_CLOSURES else "Closed"


def case_to_htcds(record: CaseRecord) -> dict[str, str | list[str]]:
    """HTCDS field → value for one case. Multi-select fields are sorted lists. Raises ValueError for a
    value outside its picklist (a bug upstream, never silently exported)."""
    return {
        "prs_Gender": check_value("prs_Gender", record.sex or "NonSpecifiedUnknown"),
        "prs_Citizenship": [record.nationality] if record.nationality else [],
        "prs_AgeBand": band_of(record.age, JISR_BANDS),  # Jisr extension: HTCDS has only the birth date
        "vic_TypeOfExploitation": sorted(check_value("vic_TypeOfExploitation", t) for t in record.exploitation_types),
        "cas_Status": check_value("cas_Status", case_status(record.status, record.closure_reason)),
        "cas_ReasonForCaseClosure": record.closure_reason,
    }


def case_to_ctdc(record: CaseRecord) -> dict[str, str | None]:
    """CTDC columns for one case (None = unknown / flag not set, as CTDC leaves the cell empty)."""
    types = set(record.exploitation_types)
    minor = is_minor(record.age)
    return {
        "yearRegister": str(record.opened_on.year),
        "gender": _CTDC_GENDER.get(record.sex),
        "majorityStatus": None if minor is None else ("Minor" if minor else "Adult"),
        "ageBroad": None if record.age is None else band_of(record.age, CTDC_BANDS),
        "citizenship": record.nationality or None,
        "isForcedLabour": "1" if "ForcedLabour" in types else None,
        "isSexualExploit": "1" if "SexualExploitation" in types else None,
        "isOtherExploit": "1" if types & _CTDC_OTHER_EXPLOITATION else None,
    }
