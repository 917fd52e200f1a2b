//! The typed vocabularies of the model: kinds, sectors, powers, roles, lists and levels.
//!
//! Every vocabulary is an enum with a stable snake_case spelling (the one the
//! `tiaokuai/1` format uses). Kinds and sectors also accept custom values with
//! an `x-` prefix (`"x-volunteer_team"`), kept verbatim; any other unknown word
//! is a loading error.

use std::fmt;
use std::str::FromStr;

/// The error returned when a word is not part of a vocabulary.
///
/// # Example
/// ```
/// use tiaokuai::UnitKind;
/// let err = "partycommittee".parse::<UnitKind>().unwrap_err();
/// assert!(err.to_string().contains("party_committee"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    /// The word that was given.
    pub word: String,
    /// What the word should have been (for example `unit kind`).
    pub vocabulary: &'static str,
    /// The accepted words, in their documented order.
    pub expected: &'static [&'static str],
    /// Whether `x-` custom words are accepted by this vocabulary.
    pub custom_allowed: bool,
}

impl fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}; expected one of {}", self.vocabulary, self.word, self.expected.join(", "))?;
        if self.custom_allowed {
            write!(f, ", or a custom value starting with \"x-\"")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownWord {}

/// A custom (`x-…`) word of a vocabulary, kept verbatim.
///
/// Custom words are interned for the life of the process: a `CustomWord` is a
/// 4-byte handle, so a kind costs 8 bytes in every record and link. Models use
/// a handful of custom words; each distinct word is stored once, however many
/// models and records use it.
///
/// # Example
/// ```
/// use tiaokuai::{CustomWord, UnitKind};
/// let kind = UnitKind::Custom(CustomWord::from("x-volunteer_team"));
/// assert_eq!(kind.as_str(), "x-volunteer_team");
/// assert_eq!(CustomWord::from("x-volunteer_team"), CustomWord::from(String::from("x-volunteer_team")));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CustomWord(u32);

struct Interner {
    ids: std::collections::BTreeMap<&'static str, u32>,
    words: Vec<&'static str>,
}

static INTERNER: std::sync::RwLock<Interner> =
    std::sync::RwLock::new(Interner { ids: std::collections::BTreeMap::new(), words: Vec::new() });

impl CustomWord {
    fn intern(word: &str) -> CustomWord {
        if let Some(&id) = INTERNER.read().unwrap_or_else(|e| e.into_inner()).ids.get(word) {
            return CustomWord(id);
        }
        let mut guard = INTERNER.write().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = guard.ids.get(word) {
            return CustomWord(id);
        }
        let id = u32::try_from(guard.words.len()).expect("fewer than 4 billion distinct custom words");
        let leaked: &'static str = Box::leak(word.to_string().into_boxed_str());
        guard.words.push(leaked);
        guard.ids.insert(leaked, id);
        CustomWord(id)
    }

    /// The word.
    pub fn as_str(&self) -> &'static str {
        INTERNER.read().unwrap_or_else(|e| e.into_inner()).words[self.0 as usize]
    }
}

impl PartialOrd for CustomWord {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CustomWord {
    /// Custom words order by their text.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl From<&str> for CustomWord {
    fn from(word: &str) -> Self {
        CustomWord::intern(word)
    }
}

impl From<String> for CustomWord {
    fn from(word: String) -> Self {
        CustomWord::intern(&word)
    }
}

impl std::ops::Deref for CustomWord {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for CustomWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for CustomWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True when `word` is a valid custom word: `x-` followed by at least one character.
pub(crate) fn is_custom(word: &str) -> bool {
    word.len() > 2 && word.starts_with("x-")
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal, custom = true,
        { $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A custom value (`x-…`), kept verbatim.
            Custom(CustomWord),
        }
        vocabulary!(@impl $name, $what, true, $($variant = $word),+);
    };
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal, custom = false,
        { $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }
        vocabulary!(@impl $name, $what, false, $($variant = $word),+);
    };
    (@impl $name:ident, $what:literal, $custom:tt, $($variant:ident = $word:literal),+) => {
        impl $name {
            /// Every built-in word of this vocabulary, in documented order.
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            /// Every built-in value, in documented order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word used for this value in the `tiaokuai/1` format.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( $name::$variant => $word, )+
                    #[allow(unreachable_patterns)]
                    other => other.custom_word(),
                }
            }

            /// Parses a word of the format; see [`FromStr`].
            ///
            /// # Errors
            /// [`UnknownWord`] when the word is not in the vocabulary.
            pub fn parse_word(word: &str) -> Result<Self, UnknownWord> {
                match word {
                    $( $word => Ok($name::$variant), )+
                    _ => vocabulary!(@parse_custom $custom, $name, word, $what),
                }
            }

            vocabulary!(@custom_fns $custom, $name);
        }

        impl FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse_word(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse_word(&word).map_err(serde::de::Error::custom)
            }
        }
    };
    (@parse_custom true, $name:ident, $word:ident, $what:literal) => {
        if is_custom($word) {
            Ok($name::Custom($word.into()))
        } else {
            Err(UnknownWord { word: $word.to_string(), vocabulary: $what, expected: Self::WORDS, custom_allowed: true })
        }
    };
    (@parse_custom false, $name:ident, $word:ident, $what:literal) => {
        Err(UnknownWord { word: $word.to_string(), vocabulary: $what, expected: Self::WORDS, custom_allowed: false })
    };
    (@custom_fns true, $name:ident) => {
        /// True for a custom (`x-`) value.
        pub fn is_custom(&self) -> bool {
            matches!(self, $name::Custom(_))
        }
        fn custom_word(&self) -> &'static str {
            match self {
                $name::Custom(w) => w.as_str(),
                _ => unreachable!("built-in words are matched first"),
            }
        }
    };
    (@custom_fns false, $name:ident) => {
        /// Always false: this vocabulary has no custom values.
        pub fn is_custom(&self) -> bool {
            false
        }
        fn custom_word(&self) -> &'static str {
            unreachable!("vocabulary without custom values")
        }
    };
}

vocabulary! {
    /// The kind of a territory (a place some unit answers for).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Level, TerritoryKind};
    /// let kind: TerritoryKind = "town".parse().unwrap();
    /// assert_eq!(kind.level(), Some(Level::Street));
    /// ```
    TerritoryKind, "territory kind", custom = true, {
        /// The whole country.
        Country = "country",
        /// A province or autonomous region (省级).
        Province = "province",
        /// A city: a municipality or a prefecture-level city (市).
        City = "city",
        /// A county-level district, county or county-level city (区/县).
        District = "district",
        /// An urban street, subdistrict (街道).
        Street = "street",
        /// A town (镇).
        Town = "town",
        /// A rural township (乡, 民族乡).
        Township = "township",
        /// A township-like zone: development zone, industrial park, farm (类似乡级单位).
        Zone = "zone",
        /// A residential community (居民区/社区).
        Community = "community",
        /// A village (村).
        Village = "village",
        /// A management grid (网格).
        Grid = "grid",
        /// An office building (楼宇).
        Building = "building",
        /// An industrial or business park (园区).
        Park = "park",
        /// A business district or market (商圈/市场).
        Market = "market",
        /// An online platform.
        Platform = "platform",
    }
}

vocabulary! {
    /// The kind of a unit (an organisation).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::UnitKind;
    /// assert!(UnitKind::JointPartyBranch.is_party_org());
    /// assert!(!UnitKind::Enterprise.is_party_org());
    /// ```
    UnitKind, "unit kind", custom = true, {
        /// A Party committee (党委).
        PartyCommittee = "party_committee",
        /// A Party working committee (党工委), the district committee's dispatched body in a street.
        PartyWorkingCommittee = "party_working_committee",
        /// A Party group (党组), e.g. the administrative Party group of a street.
        PartyGroup = "party_group",
        /// A general Party branch (党总支).
        PartyGeneralBranch = "party_general_branch",
        /// A Party branch (党支部).
        PartyBranch = "party_branch",
        /// A joint Party branch (联合党支部) covering several small units.
        JointPartyBranch = "joint_party_branch",
        /// A people's government or street office (人民政府/街道办事处).
        Government = "government",
        /// A functional department (职能部门), the head of a strip.
        Department = "department",
        /// An agency a department stations in a street (派出机构).
        DispatchedAgency = "dispatched_agency",
        /// A residents' committee (居委会).
        ResidentsCommittee = "residents_committee",
        /// A villagers' committee (村委会).
        VillagersCommittee = "villagers_committee",
        /// An owners' committee (业委会).
        OwnersCommittee = "owners_committee",
        /// A property management company (物业).
        PropertyManager = "property_manager",
        /// An enterprise.
        Enterprise = "enterprise",
        /// A public institution (事业单位).
        PublicInstitution = "public_institution",
        /// A social organisation (社会组织).
        SocialOrganization = "social_organization",
        /// A mass organisation: union, Youth League, Women's Federation (群团).
        MassOrganization = "mass_organization",
        /// A joint meeting (党建联席会议).
        JointMeeting = "joint_meeting",
    }
}

impl UnitKind {
    /// True for the kinds that are Party organisations (committee, working
    /// committee, group, general branch, branch, joint branch).
    pub fn is_party_org(&self) -> bool {
        matches!(
            self,
            UnitKind::PartyCommittee
                | UnitKind::PartyWorkingCommittee
                | UnitKind::PartyGroup
                | UnitKind::PartyGeneralBranch
                | UnitKind::PartyBranch
                | UnitKind::JointPartyBranch
        )
    }
}

vocabulary! {
    /// The sector of a unit. `party` … `state_owned` are "in-system" (体制内).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Sector;
    /// assert!(Sector::StateOwned.is_in_system());
    /// assert!(Sector::Private.is_non_public());
    /// ```
    Sector, "sector", custom = true, {
        /// The Party's own organisations.
        Party = "party",
        /// Government bodies.
        Government = "government",
        /// Public institutions (事业单位).
        PublicInstitution = "public_institution",
        /// State-owned enterprises.
        StateOwned = "state_owned",
        /// Private enterprises.
        Private = "private",
        /// Foreign-invested enterprises.
        Foreign = "foreign",
        /// Social organisations.
        Social = "social",
        /// Self-governing bodies: residents' and villagers' committees.
        SelfGovernance = "self_governance",
        /// Mass organisations.
        Mass = "mass",
    }
}

impl Sector {
    /// True for the in-system (体制内) sectors: party, government, public institution, state-owned.
    pub fn is_in_system(&self) -> bool {
        matches!(self, Sector::Party | Sector::Government | Sector::PublicInstitution | Sector::StateOwned)
    }

    /// True for non-public enterprises and social organisations (private, foreign, social):
    /// the "two new" domains where work coverage matters (rule C003).
    pub fn is_non_public(&self) -> bool {
        matches!(self, Sector::Private | Sector::Foreign | Sector::Social)
    }
}

vocabulary! {
    /// The kind of a link between two records.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{LinkKind, RecordType};
    /// let (from, to) = LinkKind::Jurisdiction.endpoints().unwrap();
    /// assert_eq!((from, to), (RecordType::Unit, RecordType::Territory));
    /// ```
    LinkKind, "link kind", custom = true, {
        /// Leadership (领导), unit → unit.
        Leads = "leads",
        /// Professional guidance (业务指导), the strip line, unit → unit.
        Guides = "guides",
        /// A department stations an agency (派出), unit → unit.
        Dispatches = "dispatches",
        /// The Party organisation set up in/for a unit, unit → unit.
        PartyOrgOf = "party_org_of",
        /// Work coverage by an instructor or liaison (党建指导员), unit → unit.
        Instructs = "instructs",
        /// A union / Youth League / Women's Federation branch set up in a unit, unit → unit.
        MassOrgOf = "mass_org_of",
        /// Dual reporting-in (双报到), unit → unit.
        RegistersWith = "registers_with",
        /// Dual reporting-back (双报告), unit → unit.
        ReportsBack = "reports_back",
        /// Membership of a joint meeting or platform, unit → unit.
        MemberOf = "member_of",
        /// The unit answers for the territory (属地), unit → territory.
        Jurisdiction = "jurisdiction",
        /// One of the five street powers over a stationed agency, unit → unit.
        Power = "power",
        /// Responsibility for a matter, unit → matter.
        Responsible = "responsible",
        /// A need raised, unit → item.
        Raises = "raises",
        /// A resource offered, unit → item.
        Offers = "offers",
        /// A project meets a need, item → item.
        Fulfils = "fulfils",
        /// A project uses a resource, item → item.
        Uses = "uses",
        /// Who carries a project out, unit → item.
        Undertakes = "undertakes",
        /// A record's successor after a merge, split, rename, new code or absorption,
        /// record → record of the same type (territory → territory, unit → unit …);
        /// the link's `event` says which ([`SuccessionEvent`]).
        SucceededBy = "succeeded_by",
        /// A person holds a post in a unit, person → unit; the link's post, band, grade
        /// and channel are the model's [`crate::Holding`] of it ([`crate::Model::holding`]).
        Holds = "holds",
    }
}

/// The record types of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    /// A place ([`crate::Territory`]).
    Territory,
    /// An organisation ([`crate::Unit`]).
    Unit,
    /// An administrative matter ([`crate::Matter`]).
    Matter,
    /// A list item: need, resource or project ([`crate::Item`]).
    Item,
    /// A person, who holds posts in units ([`crate::Person`]).
    Person,
}

impl RecordType {
    /// Every record type, in the order of the format's arrays.
    ///
    /// ```
    /// use tiaokuai::RecordType;
    /// let model = tiaokuai::Model::sample();
    /// let records: usize = RecordType::ALL.iter().map(|&t| model.count(t)).sum();
    /// assert!(records > model.count(RecordType::Unit));
    /// ```
    pub const ALL: [RecordType; 5] =
        [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item, RecordType::Person];

    /// The lower-case name used in messages (`territory`, `unit`, `matter`, `item`, `person`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Territory => "territory",
            RecordType::Unit => "unit",
            RecordType::Matter => "matter",
            RecordType::Item => "item",
            RecordType::Person => "person",
        }
    }

    /// The name of the format's array holding records of this type.
    pub fn array(self) -> &'static str {
        match self {
            RecordType::Territory => "territories",
            RecordType::Unit => "units",
            RecordType::Matter => "matters",
            RecordType::Item => "items",
            RecordType::Person => "people",
        }
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl LinkKind {
    /// The record types this kind of link joins, `(from, to)`; `None` for custom
    /// kinds, which may join any records, and for `succeeded_by`, which joins two
    /// records of the same type, whichever it is (see [`LinkKind::same_type`]).
    pub fn endpoints(&self) -> Option<(RecordType, RecordType)> {
        use RecordType::*;
        Some(match self {
            LinkKind::SucceededBy => return None,
            LinkKind::Jurisdiction => (Unit, Territory),
            LinkKind::Responsible => (Unit, Matter),
            LinkKind::Raises | LinkKind::Offers | LinkKind::Undertakes => (Unit, Item),
            LinkKind::Fulfils | LinkKind::Uses => (Item, Item),
            LinkKind::Holds => (Person, Unit),
            LinkKind::Custom(_) => return None,
            _ => (Unit, Unit),
        })
    }

    /// True for the kinds whose two ends must be records of the same type, whichever
    /// it is: `succeeded_by` (a street succeeds a street, a unit a unit).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::LinkKind;
    /// assert!(LinkKind::SucceededBy.same_type());
    /// assert_eq!(LinkKind::SucceededBy.endpoints(), None);
    /// assert!(!LinkKind::Leads.same_type());
    /// ```
    pub fn same_type(&self) -> bool {
        matches!(self, LinkKind::SucceededBy)
    }

    /// A dense index of the built-in kinds (0..19), with every custom kind at 19.
    /// Used to group adjacency by kind.
    pub fn slot(&self) -> usize {
        match self {
            LinkKind::Custom(_) => Self::ALL.len(),
            other => Self::ALL.iter().position(|k| k == other).unwrap_or(Self::ALL.len()),
        }
    }
}

vocabulary! {
    /// What happened when a record was succeeded (the `event` of a `succeeded_by` link).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::SuccessionEvent;
    /// let e: SuccessionEvent = "merge".parse().unwrap();
    /// assert_eq!(e.past_tense(), "merged into");
    /// assert!("x-reform".parse::<SuccessionEvent>().unwrap().is_custom());
    /// assert!("merged".parse::<SuccessionEvent>().is_err());
    /// ```
    SuccessionEvent, "succession event", custom = true, {
        /// Several records became one: each old record has a link to the new one (合并).
        Merge = "merge",
        /// One record became several: one link to each new record (拆分).
        Split = "split",
        /// The same body under a new name (更名).
        Rename = "rename",
        /// The same body under a new code or id, e.g. a new statistical division code (变更代码).
        Recode = "recode",
        /// The record was taken into an existing one, which goes on (撤并、并入).
        Absorb = "absorb",
    }
}

impl SuccessionEvent {
    /// The words for a sentence "A was … B" (`merged into`, `split into`, `renamed`,
    /// `recoded as`, `absorbed into`, `succeeded by` for a custom event).
    pub fn past_tense(&self) -> &'static str {
        match self {
            SuccessionEvent::Merge => "merged into",
            SuccessionEvent::Split => "split into",
            SuccessionEvent::Rename => "renamed",
            SuccessionEvent::Recode => "recoded as",
            SuccessionEvent::Absorb => "absorbed into",
            SuccessionEvent::Custom(_) => "succeeded by",
        }
    }

    /// True for the events after which the same body goes on under a new name or id
    /// (`rename`, `recode`): the successor starts the day after the predecessor ends,
    /// and the two never overlap (rule T004).
    pub fn is_continuation(&self) -> bool {
        matches!(self, SuccessionEvent::Rename | SuccessionEvent::Recode)
    }
}

vocabulary! {
    /// One of the five street powers over stationed agencies (2016 Shanghai street-office regulation).
    Power, "power", custom = false, {
        /// 建议权: advice on major decisions and projects.
        Advice = "advice",
        /// 同意权: consent to appointing the agency's head.
        Consent = "consent",
        /// 考核权: assessment of the agency's head.
        Assessment = "assessment",
        /// 参与权: participation in planning.
        Participation = "participation",
        /// 综合管理权: comprehensive management.
        Comprehensive = "comprehensive",
    }
}

vocabulary! {
    /// The role a unit plays for a matter.
    Role, "role", custom = false, {
        /// 主体责任: leads the matter.
        Lead = "lead",
        /// 配合责任: cooperates.
        Cooperate = "cooperate",
        /// Supervises.
        Supervise = "supervise",
    }
}

vocabulary! {
    /// The duty list a matter sits on (street/town duty lists, 2024–25).
    MatterList, "matter list", custom = false, {
        /// Basic duties: the street leads.
        Basic = "basic",
        /// Cooperating duties: a department leads, the street cooperates.
        Cooperating = "cooperating",
        /// Duties recalled by upper departments: no street role.
        Recalled = "recalled",
    }
}

vocabulary! {
    /// The list an item sits on: the three lists of regional Party building.
    ItemList, "item list", custom = false, {
        /// 需求清单: a need.
        Need = "need",
        /// 资源清单: a resource.
        Resource = "resource",
        /// 项目清单: a project.
        Project = "project",
    }
}

vocabulary! {
    /// The kind of a meeting (issue #15): the three meetings (三会) and the consultation
    /// that gathers their topics. See [`crate::meetings`].
    ///
    /// # Example
    /// ```
    /// use tiaokuai::MeetingKind;
    /// assert_eq!("hearing".parse::<MeetingKind>().unwrap(), MeetingKind::Hearing);
    /// assert!("x-forum".parse::<MeetingKind>().unwrap().is_custom());
    /// assert!("hearings".parse::<MeetingKind>().is_err());
    /// ```
    MeetingKind, "meeting kind", custom = true, {
        /// 听证会: a hearing on a proposed project or decision.
        Hearing = "hearing",
        /// 协调会: a coordination meeting among the parties of an issue.
        Coordination = "coordination",
        /// 评议会: an evaluation of a project or of work done.
        Evaluation = "evaluation",
        /// 议题征询: a consultation gathering residents' issues (topics).
        Consultation = "consultation",
    }
}

vocabulary! {
    /// The level of a territory or unit in the four-level chain (四级联动), top first.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Grade, Level};
    /// assert_eq!(Level::District.grade(), Grade::First);
    /// assert!(Level::City < Level::Street);
    /// ```
    Level, "level", custom = false, {
        /// The country.
        Country = "country",
        /// A province.
        Province = "province",
        /// A city (municipality or prefecture).
        City = "city",
        /// A district or county.
        District = "district",
        /// A street, town, township or zone.
        Street = "street",
        /// A community or village.
        Community = "community",
        /// Below a community: grids, buildings, parks, markets, platforms.
        Grid = "grid",
    }
}

impl Level {
    /// The responsibility grade of this level: country, province and city take
    /// overall command, the district first responsibility, the street direct
    /// responsibility, communities and grids specific responsibility.
    pub fn grade(&self) -> Grade {
        match self {
            Level::Country | Level::Province | Level::City => Grade::Overall,
            Level::District => Grade::First,
            Level::Street => Grade::Direct,
            Level::Community | Level::Grid => Grade::Specific,
        }
    }
}

vocabulary! {
    /// The four responsibility grades of the four-level chain.
    Grade, "grade", custom = false, {
        /// 总揽全局: overall command (city).
        Overall = "overall",
        /// 第一责任: first responsibility (district).
        First = "first",
        /// 直接责任: direct responsibility (street/town).
        Direct = "direct",
        /// 具体责任: specific responsibility (community/village).
        Specific = "specific",
    }
}

vocabulary! {
    /// The post a person holds in a unit (the `post` of a `holds` link).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Post;
    /// assert!(Post::Secretary.is_single_holder());
    /// assert!(!Post::CommunityWorker.is_single_holder());
    /// assert!("x-liaison".parse::<Post>().unwrap().is_custom());
    /// assert!("chairman".parse::<Post>().is_err());
    /// ```
    Post, "post", custom = true, {
        /// 书记: the secretary of a Party organisation, its first responsible person.
        Secretary = "secretary",
        /// 副书记.
        DeputySecretary = "deputy_secretary",
        /// 委员: a member of a Party committee or of a residents'/villagers' committee.
        CommitteeMember = "committee_member",
        /// 主任: the director of a residents' or villagers' committee.
        Director = "director",
        /// 副主任.
        DeputyDirector = "deputy_director",
        /// 主要负责人: the head of a government, department, agency or street office.
        Head = "head",
        /// 副职负责人.
        DeputyHead = "deputy_head",
        /// 社区工作者: a community worker on the career scale.
        CommunityWorker = "community_worker",
        /// 网格员: a grid worker.
        GridWorker = "grid_worker",
        /// 党建指导员: a Party-building instructor.
        Instructor = "instructor",
    }
}

impl Post {
    /// True for the posts one person holds at a time in a unit: secretary, director, head
    /// (rule P002).
    pub fn is_single_holder(&self) -> bool {
        matches!(self, Post::Secretary | Post::Director | Post::Head)
    }
}

vocabulary! {
    /// The band of a community worker's career scale (职业化社区工作者 "三岗十八级").
    /// No `x-` words: the grade ranges of rule P003 are set per band.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Band;
    /// assert_eq!("chief".parse::<Band>().unwrap(), Band::Chief);
    /// assert!("x-senior".parse::<Band>().is_err());
    /// ```
    Band, "band", custom = false, {
        /// 正职: the chief posts (secretary, director).
        Chief = "chief",
        /// 副职: the deputy posts.
        Deputy = "deputy",
        /// 其他: the other community workers.
        Other = "other",
    }
}

vocabulary! {
    /// How the holder of a post came to it (the "monitor project" 班长工程's three channels);
    /// `x-` words allowed for local channels.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Channel;
    /// assert_eq!("assigned".parse::<Channel>().unwrap(), Channel::Assigned);
    /// assert!("x-veteran".parse::<Channel>().unwrap().is_custom());
    /// ```
    Channel, "channel", custom = true, {
        /// 基层选拔: selected from the grassroots.
        Grassroots = "grassroots",
        /// 社会选优: recruited openly.
        OpenRecruitment = "open_recruitment",
        /// 组织选派: assigned by the organisation department.
        Assigned = "assigned",
    }
}

impl TerritoryKind {
    /// The level of this kind of territory; `None` for custom kinds.
    pub fn level(&self) -> Option<Level> {
        Some(match self {
            TerritoryKind::Country => Level::Country,
            TerritoryKind::Province => Level::Province,
            TerritoryKind::City => Level::City,
            TerritoryKind::District => Level::District,
            TerritoryKind::Street | TerritoryKind::Town | TerritoryKind::Township | TerritoryKind::Zone => {
                Level::Street
            }
            TerritoryKind::Community | TerritoryKind::Village => Level::Community,
            TerritoryKind::Grid
            | TerritoryKind::Building
            | TerritoryKind::Park
            | TerritoryKind::Market
            | TerritoryKind::Platform => Level::Grid,
            TerritoryKind::Custom(_) => return None,
        })
    }

    /// True for the township-level kinds (street, town, township, zone).
    pub fn is_township_level(&self) -> bool {
        self.level() == Some(Level::Street)
    }

    /// True for urban streets (街道), as opposed to towns, townships and zones.
    pub fn is_urban(&self) -> bool {
        matches!(self, TerritoryKind::Street)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(&k.as_str().parse::<UnitKind>().unwrap(), k);
        }
        for k in LinkKind::ALL {
            assert_eq!(&k.as_str().parse::<LinkKind>().unwrap(), k);
        }
        assert_eq!(LinkKind::ALL.len(), 19);
    }

    #[test]
    fn custom_words() {
        let k: UnitKind = "x-volunteer_team".parse().unwrap();
        assert!(k.is_custom());
        assert_eq!(k.as_str(), "x-volunteer_team");
        assert!("x-".parse::<UnitKind>().is_err());
        assert!("volunteer_team".parse::<UnitKind>().is_err());
        assert!("x-chair".parse::<Power>().is_err());
    }

    #[test]
    fn levels_order_and_grades() {
        assert!(Level::Country < Level::Grid);
        assert_eq!(TerritoryKind::Village.level(), Some(Level::Community));
        assert_eq!(Level::Community.grade(), Grade::Specific);
        assert_eq!(LinkKind::Custom("x-a".into()).slot(), 19);
        assert_eq!(LinkKind::Leads.slot(), 0);
    }
}
