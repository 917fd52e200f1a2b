#!/usr/bin/env python3
"""Generate the tiaokuai/1 sample model of Baoshan district, Shanghai.

    python3 data/samples/make_baoshan.py          # writes data/samples/baoshan.json
    python3 data/samples/make_baoshan.py --gaps   # prints the gap table (Markdown)

Real: the territories 31 上海市, 310113 宝山区 and the 13 township-level units of
Baoshan, read from ../divisions/*.csv (NBS 2023 statistical division codes).
Synthetic: everything else (communities, grids, buildings, parks, every unit,
matter assignment, item and link).

Deterministic: Python 3 standard library only, one random.Random(2024), no
dependence on dict/set iteration order of anything random.

Before writing, the script checks the document (ids unique, references resolve,
link endpoint types, parent chains end at 31, counts non-negative integers) and
runs a small reference audit with the plain reading of every rule in
shared/design/queries.md; it refuses to write unless the findings are exactly
the deliberate gaps listed in EXPECTED_GAPS (and in README.md).
"""

import csv
import json
import os
import random
import sys

R = random.Random(2024)
HERE = os.path.dirname(os.path.abspath(__file__))
DIV = os.path.join(HERE, "..", "divisions")
OUT = os.path.join(HERE, "baoshan.json")
AS_OF = "2024-06-30"

territories, units, matters, items, links = [], [], [], [], []
people, meetings = [], []   # issue #14 and #15, filled at the end


def _clean(d):
    return {k: v for k, v in d.items() if v is not None}


def T(id, name, kind, parent=None, attrs=None, since=None, until=None):
    territories.append(_clean(dict(id=id, name=name, kind=kind, parent=parent,
                                   attrs=attrs, since=since, until=until)))
    return id


def U(id, name, kind, sector, located_in=None, members=None, staff=None,
      in_service_members=None, attrs=None, since=None, until=None):
    units.append(_clean(dict(id=id, name=name, kind=kind, sector=sector,
                             located_in=located_in, members=members, staff=staff,
                             in_service_members=in_service_members, attrs=attrs,
                             since=since, until=until)))
    return id


def M(id, name, list_, category, attrs=None):
    matters.append(_clean(dict(id=id, name=name, list=list_, category=category,
                               attrs=attrs)))
    return id


def I(id, name, list_, attrs=None):
    items.append(_clean(dict(id=id, name=name, list=list_, attrs=attrs)))
    return id


def L(frm, to, kind, primary=None, power=None, role=None, scope=None,
      members=None, attrs=None, since=None, until=None, event=None):
    links.append(_clean({"from": frm, "to": to, "kind": kind, "primary": primary,
                         "power": power, "role": role, "scope": scope,
                         "members": members, "attrs": attrs, "since": since,
                         "until": until, "event": event}))


def founded(date):
    """A founding date as documents give it: "2019-07-01" when the month is July reads
    "2019年7月" (2019-07), January reads "2019年起" (2019); other days stay exact. The
    random draws are unchanged, so the rest of the sample is too."""
    year, month, _ = date.split("-")
    if month == "01":
        return year
    if month == "07":
        return f"{year}-{month}"
    return date


def gap(*codes):
    """attrs marker on a record that is the subject of a deliberate gap."""
    return {"gaps": list(codes)}


# --------------------------------------------------------------------------
# Real divisions (NBS 2023)
# --------------------------------------------------------------------------
REAL = {"synthetic": False, "source": "NBS 2023 统计用区划代码"}


def read_csv(name):
    with open(os.path.join(DIV, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


prov = {r["code"]: r["name"] for r in read_csv("provinces.csv")}
area = {r["code"]: r["name"] for r in read_csv("areas.csv")}
baoshan_rows = sorted((r for r in read_csv("streets.csv") if r["areaCode"] == "310113"),
                      key=lambda r: r["code"])
assert len(baoshan_rows) == 13, len(baoshan_rows)

# code -> (id prefix, short name used in unit names)
PREFIX = {
    "310113003": "yyl", "310113007": "ws", "310113008": "zm",
    "310113101": "ld", "310113102": "dc", "310113103": "yx", "310113104": "yp",
    "310113106": "lj", "310113109": "gc", "310113111": "gj", "310113112": "mx",
    "310113113": "sn", "310113501": "gyq",
}
KIND_BY_DIGIT = {"0": "street", "1": "town", "5": "zone"}

T("31", prov["31"], "city", attrs=dict(REAL))
T("310113", area["310113"], "district", "31", attrs=dict(REAL))


class Township:
    def __init__(self, row):
        self.code = row["code"]
        self.name = row["name"]
        self.kind = KIND_BY_DIGIT[self.code[6]]
        self.p = PREFIX[self.code]
        if self.kind == "street":
            self.short = self.name[:-2]          # 友谊路街道 -> 友谊路
        elif self.kind == "town":
            self.short = self.name[:-1]          # 罗店镇 -> 罗店
        else:
            self.short = self.name               # 宝山工业园区
        self.party = f"{self.p}-gw" if self.kind == "street" else f"{self.p}-dw"
        self.gov = f"{self.p}-gov"
        # who leads the Party organisations of units and communities here
        self.area_party = f"{self.p}-sqdw" if self.kind == "street" else self.party
        self.communities = []   # (id, kind, name)


TS = [Township(r) for r in baoshan_rows]
TSB = {t.p: t for t in TS}
assert [t.kind for t in TS].count("street") == 3 and [t.kind for t in TS].count("zone") == 1
for t in TS:
    T(t.code, t.name, t.kind, "310113", attrs=dict(REAL))

# --------------------------------------------------------------------------
# Name pools (synthetic)
# --------------------------------------------------------------------------
COMMUNITY_WORDS = (
    "海棠 丹桂 银杏 紫藤 香樟 玉兰 翠竹 青松 锦绣 和平 春晖 阳光 绿洲 金桥 明珠 滨河 "
    "东盛 西林 南苑 北园 星河 安居 乐业 祥和 新华 建设 振兴 幸福 望海 临江 聚丰 永安 "
    "嘉和 瑞景 怡景 康乐 长寿 兴隆 福泉 晨光 朝阳 晓园 秀水 清源 碧波 云帆 宏图 雅居 "
    "颐和 松鹤 桂林 荷花 梅园 竹园 菊园 兰亭 杏林 桃源 柳岸 枫林 泰和 华庭 御景 静安").split()
COMMUNITY_SUFFIX = ["新村", "花园", "家园", "苑", "公寓", "一村", "二村", "三村"]
VILLAGE_WORDS = (
    "塘湾 沈宅 陈家 王家 朱家 杨家 新丰 联合 胜利 东方 红星 光明 永丰 前进 民主 团结 "
    "先锋 联民 新民 建华 金星 东林 西浜 南塘 北潘 周宅 毛家 严家").split()
FIRM_WORDS = (
    "恒川 聚能 远帆 星澜 海岳 博睿 佳禾 汇智 启航 臻美 云栖 瑞丰 沁源 澄明 德润 嘉誉 "
    "朗峰 铭泰 诺锐 品匠 乾元 润泽 盛启 拓维 万象 新航 卓越 宇恒 晟达 鼎鑫 昊天 华澜 "
    "骏驰 凯扬 澜舟 青禾 知行 弘毅 致远 合悦 锐驰 峻岭 川流 栖霞 明睿 安澜 景行 益川").split()
FIRM_TRADES = ["科技", "智能装备", "物流", "新材料", "软件", "生物医药", "供应链管理",
               "建筑设计", "检测技术", "电子商务", "文化传媒", "环保科技", "精密机械",
               "信息技术", "餐饮管理", "人力资源", "国际贸易", "汽车零部件"]
FOREIGN_WORDS = ["维斯特", "卡斯顿", "莱恩", "奥德利", "贝尔纳", "霍夫曼", "菲利克斯",
                 "阿尔玛", "克莱门", "斯坦霍", "欧文斯", "罗森堡"]
LOCAL_TRADES = ["餐饮管理", "家政服务", "便利店", "健康管理", "教育培训", "养老服务",
                "洗衣服务", "房产经纪"]
SOE_TRADES = ["城市建设", "资产经营", "环境工程", "水务", "物业管理", "产业投资"]
PLACE_WORDS = ["智汇", "创新", "宝瀛", "汇贤", "启迪", "临港", "北翼", "云谷", "锦程",
               "明德", "长滩", "滨江", "星光", "融创", "远景", "众创", "科技", "数智"]

_used_names = set()


def uniq(make):
    for _ in range(1000):
        n = make()
        if n not in _used_names:
            _used_names.add(n)
            return n
    raise RuntimeError("name pool exhausted")


comm_words = R.sample(COMMUNITY_WORDS, len(COMMUNITY_WORDS))
vill_words = R.sample(VILLAGE_WORDS, len(VILLAGE_WORDS))
place_words = R.sample(PLACE_WORDS, len(PLACE_WORDS))


def community_name():
    return uniq(lambda: comm_words.pop() + R.choice(COMMUNITY_SUFFIX) + "居民区")


def village_name():
    return uniq(lambda: vill_words.pop() + "村")


def firm_name(sector, local=False):
    if local:
        return uniq(lambda: f"上海{R.choice(FIRM_WORDS)}{R.choice(LOCAL_TRADES)}有限公司")
    if sector == "foreign":
        return uniq(lambda: f"{R.choice(FOREIGN_WORDS)}（上海）{R.choice(FIRM_TRADES)}有限公司")
    if sector == "state_owned":
        return uniq(lambda: f"上海宝山{R.choice(FIRM_WORDS)}{R.choice(SOE_TRADES)}有限公司")
    return uniq(lambda: f"上海{R.choice(FIRM_WORDS)}{R.choice(FIRM_TRADES)}有限公司")


def social_name(t):
    kinds = ["睦邻互助社", "志愿者服务社", "助老服务社", "书画协会", "青少年服务中心",
             "社区调解工作室", "健身指导站", "文化艺术团", "公益服务中心"]
    return uniq(lambda: f"{t.short}{R.choice(FIRM_WORDS)}{R.choice(kinds)}")


def institution_name(t, cname):
    kinds = ["小学", "幼儿园", "社区文化活动中心", "长者照护之家", "初级中学", "社区图书馆"]
    base = cname.replace("居民区", "").replace("村", "")
    return uniq(lambda: f"宝山区{base}{R.choice(kinds)}")


# --------------------------------------------------------------------------
# City and district
# --------------------------------------------------------------------------
U("sh-sw", "中共上海市委", "party_committee", "party")
L("sh-sw", "31", "jurisdiction")
U("sh-gov", "上海市人民政府", "government", "government")
L("sh-gov", "31", "jurisdiction")

U("bs-dw", "中共宝山区委", "party_committee", "party")
L("sh-sw", "bs-dw", "leads")
L("bs-dw", "310113", "jurisdiction")
U("bs-gov", "宝山区人民政府", "government", "government")
L("sh-gov", "bs-gov", "leads")
L("bs-gov", "310113", "jurisdiction")

U("bs-zzb", "中共宝山区委组织部", "department", "party")
L("bs-dw", "bs-zzb", "leads")
L("bs-zzb", "310113", "jurisdiction")

DEPTS = [
    ("bs-gaj", "上海市公安局宝山分局"),
    ("bs-scjgj", "宝山区市场监督管理局"),
    ("bs-cgj", "宝山区城市管理行政执法局"),
    ("bs-fgj", "宝山区房屋管理局"),
    ("bs-sfj", "宝山区司法局"),
    ("bs-sthjj", "宝山区生态环境局"),
    ("bs-yjglj", "宝山区应急管理局"),
    ("bs-mzj", "宝山区民政局"),
    ("bs-wjw", "宝山区卫生健康委员会"),
    ("bs-tcb", "宝山区投资促进办公室"),
    ("bs-lhsrj", "宝山区绿化和市容管理局"),
]
for did, dname in DEPTS:
    U(did, dname, "department", "government")
    L("bs-gov", did, "leads")
    L(did, "310113", "jurisdiction")

MASS = [("bs-zgh", "宝山区总工会"), ("bs-tqw", "共青团宝山区委"), ("bs-fl", "宝山区妇女联合会")]
for mid, mname in MASS:
    U(mid, mname, "mass_organization", "mass", located_in="310113")
    L("bs-dw", mid, "leads")

U("bs-jm", "宝山区区域化党建联席会议", "joint_meeting", "party", located_in="310113",
  since="2016-03-01")
L("bs-dw", "bs-jm", "leads")

# --------------------------------------------------------------------------
# Townships: block units, 1+2, stations, agencies
# --------------------------------------------------------------------------
AGENCIES = [  # suffix, department, name template
    ("pcs", "bs-gaj", "宝山分局{s}派出所"),
    ("scjgs", "bs-scjgj", "宝山区市场监管局{s}市场监管所"),
    ("cgzd", "bs-cgj", "宝山区城管执法局{n}中队"),
    ("fgb", "bs-fgj", "{n}房管办"),
    ("sfs", "bs-sfj", "宝山区司法局{s}司法所"),
]
S004_STREET = "ws"                       # 吴淞: no administrative Party group
S002_AGENCY = "zm-scjgs"                 # two leaders, none primary
B001_AGENCIES = {"gc-pcs": "assessment", "yx-scjgs": "consent"}  # power missing
B002_AGENCY = "lj-cgzd"                  # no link at all to its town
OPTIONAL_POWERS = ["advice", "participation", "comprehensive"]

for t in TS:
    if t.kind == "street":
        U(t.party, f"{t.name}党工委", "party_working_committee", "party",
          attrs=gap("S004") if t.p == S004_STREET else None)
        U(t.gov, f"{t.name}办事处", "government", "government")
    elif t.kind == "town":
        U(t.party, f"{t.name}党委", "party_committee", "party")
        U(t.gov, f"{t.name}人民政府", "government", "government")
    else:
        U(t.party, f"{t.name}党委", "party_committee", "party")
        U(t.gov, f"{t.name}管理委员会", "government", "government")
    L("bs-dw", t.party, "leads")
    L(t.party, t.code, "jurisdiction")
    L("bs-gov", t.gov, "leads")
    L(t.gov, t.code, "jurisdiction")

    if t.kind == "street":       # Shanghai "1+2"
        U(f"{t.p}-sqdw", f"{t.name}社区党委", "party_committee", "party", located_in=t.code)
        L(t.party, f"{t.p}-sqdw", "leads")
        if t.p != S004_STREET:
            U(f"{t.p}-xzdz", f"{t.name}行政党组", "party_group", "party", located_in=t.code)
            L(t.party, f"{t.p}-xzdz", "leads")

    # Party-building instructor station (work coverage) and union federation
    U(f"{t.p}-zds", f"{t.name}党建指导员工作站", "x-instructor_station", "public_institution",
      located_in=t.code)
    L(t.area_party, f"{t.p}-zds", "leads")
    L("bs-zzb", f"{t.p}-zds", "guides")
    U(f"{t.p}-zgh", f"{t.name}总工会", "mass_organization", "mass", located_in=t.code)
    L("bs-zgh", f"{t.p}-zgh", "leads")

    if t.kind == "zone":
        continue   # the zone is served by the neighbouring towns' stationed agencies
    n = t.name
    for suf, dept, tmpl in AGENCIES:
        aid = f"{t.p}-{suf}"
        name = tmpl.format(s=t.short, n=n)
        if suf == "fgb" and t.kind == "town":
            name = f"{t.name}房管所"
        codes = []
        if aid == S002_AGENCY:
            codes.append("S002")
        if aid in B001_AGENCIES:
            codes.append("B001")
        if aid == B002_AGENCY:
            codes += ["B001", "B002"]
        U(aid, name, "dispatched_agency", "government", located_in=t.code,
          attrs=gap(*codes) if codes else None)
        L(dept, aid, "dispatches")
        L(dept, aid, "leads", primary=None if aid == S002_AGENCY else True)
        if aid == B002_AGENCY:
            continue
        L(t.gov, aid, "leads")
        for pw in ["consent", "assessment"]:
            if B001_AGENCIES.get(aid) != pw:
                L(t.gov, aid, "power", power=pw)
        for pw in OPTIONAL_POWERS:
            if R.random() < 0.6:
                L(t.gov, aid, "power", power=pw)

# --------------------------------------------------------------------------
# Communities, villages, grids
# --------------------------------------------------------------------------
# c = community (居民区), v = village (村)
COMMUNITY_KINDS = {
    "yyl": "cccccc", "ws": "ccccc", "zm": "ccccc",
    "ld": "cccvvv", "dc": "ccccvc", "yx": "cccvv", "yp": "cvvcv", "lj": "cvvv",
    "gc": "cccccv", "gj": "cccc", "mx": "cccv", "sn": "cccc", "gyq": "cc",
}
C006_COMMUNITY = "yp-c04"       # no Party organisation (new estate)
C007_COMMUNITY = "zm-c03"       # no residents' committee
C008_GRID = "yyl-c03-g2"        # grid nobody holds
S003_COMMUNITY = "lj-c02"       # its Party organisation is led by nobody
S001_COMMUNITY = "gc-c03"       # owners' committee <-> property manager cycle
WORKSTATION_COMMUNITIES = {"zm-c03", "ld-c02", "dc-c03", "gj-c01", "gyq-c01", "yyl-c05"}
FORCE_GRIDS = {"yyl-c03": 3}

for t in TS:
    for i, ck in enumerate(COMMUNITY_KINDS[t.p], 1):
        cid = f"{t.p}-c{i:02d}"
        is_village = ck == "v"
        cname = village_name() if is_village else community_name()
        tkind = "village" if is_village else "community"
        attrs = {"households": R.randrange(300, 2000, 10)}
        if cid == C006_COMMUNITY:
            cname = cname.replace("居民区", "新苑居民区")
            attrs.update(gap("C006"), note="new estate: Party organisation not yet set up")
        if cid == C007_COMMUNITY:
            attrs.update(gap("C007"), note="residents' committee not yet elected; grids run by workstations")
        T(cid, cname, tkind, t.code, attrs=attrs)
        t.communities.append((cid, tkind, cname))

        # Party organisation
        pid = f"{cid}-party"
        if cid != C006_COMMUNITY:
            if is_village:
                pk = R.choice(["party_general_branch", "party_committee"])
                pname = cname + ("党总支" if pk == "party_general_branch" else "党委")
            else:
                # in streets no party_committee below the working committee
                # besides the 社区党委 (keeps 1+2 clean under any reading)
                pk = R.choice(["party_general_branch", "party_branch"])
                pname = cname + ("党总支" if pk == "party_general_branch" else "党支部")
            U(pid, pname, pk, "party", located_in=cid,
              attrs=gap("S003") if cid == S003_COMMUNITY else None)
            L(pid, cid, "jurisdiction")
            if cid != S003_COMMUNITY:
                L(t.area_party, pid, "leads")
        # residents' / villagers' committee
        rid = f"{cid}-vc" if is_village else f"{cid}-rc"
        has_rc = cid != C007_COMMUNITY
        if has_rc:
            U(rid, cname + ("村民委员会" if is_village else "居民委员会"),
              "villagers_committee" if is_village else "residents_committee",
              "self_governance", located_in=cid)
            L(rid, cid, "jurisdiction")
            L(pid if cid != C006_COMMUNITY else t.gov, rid, "leads")
        # grids
        ngrid = FORCE_GRIDS.get(cid, R.randint(1, 3))
        for g in range(1, ngrid + 1):
            gid = f"{cid}-g{g}"
            T(gid, f"{cname}第{g}网格", "grid", cid,
              attrs=gap("C008") if gid == C008_GRID else None)
            if gid == C008_GRID:
                continue
            if cid in WORKSTATION_COMMUNITIES or not has_rc:
                wid = f"{gid}-ws"
                U(wid, f"{cname}第{g}网格工作站", "x-grid_workstation", "government",
                  located_in=gid)
                L(t.gov, wid, "leads")
                L(wid, gid, "jurisdiction")
            else:
                L(rid, gid, "jurisdiction")

# the harmless leadership cycle (S001): a data-entry loop between two
# self-governance/service units that nobody else hangs from
cyc = S001_COMMUNITY
cyc_name = next(n for c, _, n in TSB["gc"].communities if c == cyc)
U(f"{cyc}-ywh", cyc_name.replace("居民区", "") + "业主委员会", "owners_committee",
  "self_governance", located_in=cyc, attrs=gap("S001"))
U(f"{cyc}-wy", "上海" + R.choice(FIRM_WORDS) + "物业管理有限公司", "property_manager",
  "private", located_in=cyc, members=0, staff=38, attrs=gap("S001"))
L(f"{cyc}-ywh", f"{cyc}-wy", "leads", attrs={"note": "owners' committee hires the property manager"})
L(f"{cyc}-wy", f"{cyc}-ywh", "leads", attrs={"note": "recorded the wrong way round"})
L("gc-zds", f"{cyc}-wy", "instructs")

# --------------------------------------------------------------------------
# New domains: buildings and parks, and units in communities
# --------------------------------------------------------------------------
# host id -> (kind, parent, name)
HOSTS = [
    ("yyl-b01", "building", "yyl-c01"), ("yyl-b02", "building", "310113003"),
    ("ws-b01", "building", "310113007"), ("zm-b01", "building", "zm-c02"),
    ("ld-p01", "park", "310113101"), ("dc-b01", "building", "dc-c01"),
    ("yx-p01", "park", "310113103"), ("yp-p01", "park", "310113104"),
    ("lj-p01", "park", "310113106"), ("gc-p01", "park", "310113109"),
    ("gj-b01", "building", "310113111"), ("mx-b01", "building", "mx-c02"),
    ("sn-b01", "building", "310113113"), ("gyq-p01", "park", "310113501"),
    ("gyq-p02", "park", "310113501"),
]
COMMUNITY_HOSTS = ["yyl-c02", "yyl-c04", "ws-c02", "zm-c01", "zm-c04", "ld-c01", "ld-c04",
                   "dc-c02", "yx-c01", "yp-c01", "yp-c02", "lj-c01", "gc-c01", "gj-c02",
                   "mx-c02", "sn-c01", "gyq-c01"]
assert not {S003_COMMUNITY, C006_COMMUNITY} & set(COMMUNITY_HOSTS)

# Special (deliberate or referenced) units, placed first in their host.
# cover: "none" | "instructs" | "union" ; group: joint-branch tag ; noreg: no 双报到
SPECIAL = {
    "yyl-b01": [dict(kind="enterprise", sector="state_owned", members=12,
                     name="上海宝山恒川城市建设有限公司", role="canteen")],
    "yyl-c02": [dict(kind="social_organization", sector="social", members=0, cover="none",
                     gaps=["C003"]),
                dict(kind="public_institution", sector="public_institution", members=8,
                     role="school")],
    "ws-b01": [dict(kind="enterprise", sector="private", members=4, noreg=True, gaps=["D001"],
                    gap_on_org=True),
               dict(kind="enterprise", sector="private", members=6, role="parking")],
    "zm-b01": [dict(kind="enterprise", sector="private", members=3, role="gym")],
    "zm-c01": [dict(kind="social_organization", sector="social", members=0, cover="instructs",
                    name="张庙律师志愿服务社", role="lawyers")],
    "ld-p01": [dict(kind="enterprise", sector="private", members=60, branch="party_branch",
                    gaps=["C005"], gap_on_org=True)],
    "dc-b01": [dict(kind="enterprise", sector="private", members=5, no_org=True,
                    cover="instructs", gaps=["C001"])],
    "yx-p01": [dict(kind="enterprise", sector="state_owned", members=4, no_org=True,
                    gaps=["C001"])],
    "yp-c01": [dict(kind="public_institution", sector="public_institution", members=2,
                    no_joint=True, gaps=["C002"])],
    "gc-p01": [dict(kind="enterprise", sector="private", members=1, group="noreg"),
               dict(kind="enterprise", sector="private", members=2, group="noreg"),
               dict(kind="enterprise", sector="foreign", members=1, group="noreg")],
    "gj-b01": [dict(kind="enterprise", sector="foreign", members=3, no_org=True, cover="union",
                    gaps=["C001"])],
    "mx-b01": [dict(kind="enterprise", sector="private", members=0, cover="none",
                    gaps=["C003"])],
    "sn-b01": [dict(kind="enterprise", sector="private", members=1, no_joint=True,
                    cover="instructs", gaps=["C002"])],
    "gyq-p01": [dict(kind="enterprise", sector=s, members=m, group="wide")
                for s, m in [("private", 1), ("private", 2), ("private", 1),
                             ("foreign", 2), ("private", 1), ("private", 1)]]
               + [dict(kind="enterprise", sector="state_owned", members=120, role="jobs",
                       name="上海宝山聚能产业投资有限公司")],
}
# every township (not the zone) has a community health centre (社区卫生服务中心),
# placed in its first community host; 卫健委 gives it professional guidance
for t in TS:
    if t.kind != "zone":
        host = next(c for c in COMMUNITY_HOSTS if c.startswith(t.p + "-"))
        SPECIAL.setdefault(host, []).append(dict(
            kind="public_institution", sector="public_institution", members=R.randint(12, 40),
            name=f"{t.name}社区卫生服务中心", health=True))

ROLE_UNITS = {}                # role -> unit id (for items)
host_info = {}                 # host id -> (township, party org holding jurisdiction, leader)


def sample_members(t):
    if R.random() < 0.28:
        cap = 45 if t.kind == "street" else 48
        return R.randint(3, 18) if R.random() < 0.8 else R.randint(19, cap)
    return R.choice([0, 1, 2])


def random_unit(t, host_kind, cname):
    r = R.random()
    if host_kind in ("building", "park"):
        if host_kind == "park":
            sector = "private" if r < 0.65 else "foreign" if r < 0.82 else "state_owned"
            kind = "enterprise"
        else:
            sector = ("private" if r < 0.55 else "foreign" if r < 0.7 else
                      "state_owned" if r < 0.8 else "social")
            kind = "social_organization" if sector == "social" else "enterprise"
    else:
        kind, sector = (("public_institution", "public_institution") if r < 0.4 else
                        ("social_organization", "social") if r < 0.8 else
                        ("enterprise", "private"))
    return dict(kind=kind, sector=sector, members=sample_members(t))


def township_of(tid):
    by_id = {x["id"]: x for x in territories}
    while tid not in {t.code for t in TS}:
        tid = by_id[tid]["parent"]
    return next(t for t in TS if t.code == tid)


own_branch_count = 0
for hid, hkind, parent in HOSTS:
    t = township_of(parent)
    word = place_words.pop()
    if hkind == "building":
        hname = f"{t.short}{word}大厦"
        T(hid, hname, "building", parent, attrs={"floors": R.randint(12, 32)})
    else:
        hname = f"{t.short}{word}产业园"
        T(hid, hname, "park", parent, attrs={"area_ha": R.randint(8, 60)})
    org = f"{hid}-party"
    if t.kind == "street":
        U(org, f"{hname}联合党总支", "party_general_branch", "party", located_in=hid)
    else:
        U(org, f"{hname}联合党委", "party_committee", "party", located_in=hid)
    L(t.area_party, org, "leads")
    L(org, hid, "jurisdiction")
    U(f"{hid}-gh", f"{hname}联合工会", "mass_organization", "mass", located_in=hid)
    L(f"{t.p}-zgh", f"{hid}-gh", "leads")
    host_info[hid] = (t, org, org, hname)

for cid in COMMUNITY_HOSTS:
    t = township_of(cid)
    host_info[cid] = (t, f"{cid}-party", t.area_party,
                      next(n for c, _, n in t.communities if c == cid))

HOST_ORDER = [h for h, _, _ in HOSTS] + COMMUNITY_HOSTS
hosted = {}   # host -> list of unit dicts (with id)
for hid in HOST_ORDER:
    t, org, leader, hname = host_info[hid]
    hkind = "community" if hid in COMMUNITY_HOSTS else next(k for h, k, _ in HOSTS if h == hid)
    specs = [dict(s) for s in SPECIAL.get(hid, [])]
    n_random = R.randint(4, 7) if hkind != "community" else R.randint(1, 3)
    specs += [random_unit(t, hkind, hname) for _ in range(n_random)]
    counters = {"e": 0, "i": 0, "s": 0}
    out = []
    for s in specs:
        letter = {"enterprise": "e", "public_institution": "i", "social_organization": "s"}[s["kind"]]
        counters[letter] += 1
        s["id"] = f"{hid}-{letter}{counters[letter]:02d}"
        if "name" not in s:
            if s["kind"] == "enterprise":
                s["name"] = firm_name(s["sector"], local=hkind == "community")
            elif s["kind"] == "social_organization":
                s["name"] = social_name(t)
            else:
                s["name"] = institution_name(t, hname)
        else:
            _used_names.add(s["name"])
        if "role" in s:
            ROLE_UNITS[s["role"]] = s["id"]
        out.append(s)
    # a lone small unit cannot form a joint branch: it gets 0 members instead
    free_small = [s for s in out if s["members"] in (1, 2) and "group" not in s
                  and not s.get("no_joint")]
    if len(free_small) == 1:
        free_small[0]["members"] = 0
    hosted[hid] = out

# create the units, their Party organisations and work coverage
joint_no = {}
for hid in HOST_ORDER:
    t, org, leader, hname = host_info[hid]
    union = f"{hid}-gh" if hid not in COMMUNITY_HOSTS else None
    cover_toggle = 0
    for s in hosted[hid]:
        staff = max(s["members"] * R.randint(3, 9), R.randint(8, 60))
        ism = None
        if s["sector"] in ("public_institution", "state_owned") and s["members"] >= 3:
            ism = R.randint(1, s["members"])
        attrs = gap(*s["gaps"]) if s.get("gaps") and not s.get("gap_on_org") else None
        U(s["id"], s["name"], s["kind"], s["sector"], located_in=hid, members=s["members"],
          staff=staff, in_service_members=ism, attrs=attrs)
        if s["kind"] == "social_organization" and s.get("cover") != "none":
            L("bs-mzj", s["id"], "guides")
        if s.get("health"):
            L("bs-wjw", s["id"], "guides")
    # own Party organisations
    for s in hosted[hid]:
        m = s["members"]
        if m < 3 or s.get("no_org"):
            continue
        if "branch" in s:
            k = s["branch"]
        elif m <= 50:
            k = "party_branch"
        elif m <= 100:
            k = "party_general_branch"
        else:
            k = "party_committee"
        assert not (t.kind == "street" and k == "party_committee")
        suffix = {"party_branch": "党支部", "party_general_branch": "党总支",
                  "party_committee": "党委"}[k]
        po = f"{s['id']}-party"
        U(po, s["name"] + suffix, k, "party", located_in=hid, members=m,
          attrs=gap(*s["gaps"]) if s.get("gap_on_org") else None,
          since=founded(f"{R.randint(2008, 2023)}-{R.randint(1, 12):02d}-01"))
        L(po, s["id"], "party_org_of")
        L(leader, po, "leads")
        if not s.get("noreg"):
            L(po, org, "registers_with", members=m)
        s["org"] = po
    # joint branches: forced groups first, then the free small units in fives
    groups = []
    for tag in ("wide", "noreg"):
        g = [s for s in hosted[hid] if s.get("group") == tag]
        if g:
            groups.append((tag, g))
    free = [s for s in hosted[hid] if s["members"] in (1, 2) and "group" not in s
            and not s.get("no_joint")]
    if free:
        k = -(-len(free) // 5)
        size = -(-len(free) // k)
        for i in range(0, len(free), size):
            groups.append(("", free[i:i + size]))
    for tag, g in groups:
        assert tag == "wide" or 2 <= len(g) <= 5, (hid, len(g))
        if sum(s["members"] for s in g) < 3:
            g[0]["members"] = 2
            next(u for u in units if u["id"] == g[0]["id"])["members"] = 2
        joint_no[hid] = joint_no.get(hid, 0) + 1
        jb = f"{hid}-jb{joint_no[hid]}"
        total = sum(s["members"] for s in g)
        codes = (["C004"] if tag == "wide" else []) + (["D001"] if tag == "noreg" else [])
        U(jb, f"{hname}第{joint_no[hid]}联合党支部", "joint_party_branch", "party",
          located_in=hid, members=total, attrs=gap(*codes) if codes else None,
          since=founded(f"{R.randint(2017, 2023)}-{R.randint(1, 12):02d}-01"))
        for s in g:
            L(jb, s["id"], "party_org_of")
            s["org"] = jb
        L(leader, jb, "leads")
        if tag != "noreg":
            L(jb, org, "registers_with", members=total)
    # work coverage for units without any Party organisation
    for s in hosted[hid]:
        if "org" in s:
            continue
        cover = s.get("cover")
        if cover is None:
            if s["sector"] not in ("private", "foreign", "social"):
                continue
            cover = "union" if union and cover_toggle % 2 == 0 else "instructs"
            cover_toggle += 1
        if cover == "instructs":
            L(f"{t.p}-zds", s["id"], "instructs")
        elif cover == "union":
            L(union, s["id"], "mass_org_of")
    # unions also sit in some units that already have a Party organisation
    if union:
        for s in hosted[hid]:
            if "org" in s and s["kind"] == "enterprise" and R.random() < 0.3:
                L(union, s["id"], "mass_org_of")

# Youth League branches in larger firms, women's federations in some communities
for hid in HOST_ORDER:
    for s in hosted[hid]:
        if s["kind"] == "enterprise" and s["members"] >= 12:
            tz = f"{s['id']}-tzb"
            U(tz, s["name"] + "团支部", "mass_organization", "mass", located_in=hid)
            L("bs-tqw", tz, "leads")
            L(tz, s["id"], "mass_org_of")
            ROLE_UNITS.setdefault("youth", tz)
assert ROLE_UNITS["youth"] == "yyl-b01-e01-tzb"
for t in TS:
    if t.kind != "street":
        continue
    cid, _, cname = t.communities[0]
    fl = f"{cid}-fl"
    U(fl, cname + "妇联", "mass_organization", "mass", located_in=cid)
    L("bs-fl", fl, "leads")
    L(fl, f"{cid}-rc", "mass_org_of")

# dual reporting-back: community Party organisations report members' service
# back to the workplace organisations of public units in the same township
for hid in HOST_ORDER:
    t, org, leader, hname = host_info[hid]
    for s in hosted[hid]:
        if (s["sector"] in ("public_institution", "state_owned") and s.get("org")
                and s["org"].endswith("-party")):
            cid = t.communities[1][0] if t.communities[1][0] not in (
                S003_COMMUNITY, C006_COMMUNITY) else t.communities[0][0]
            L(f"{cid}-party", s["org"], "reports_back")

# --------------------------------------------------------------------------
# Joint meetings (区域化党建)
# --------------------------------------------------------------------------
for mid in ["bs-gov", "bs-zzb", "bs-gaj", "bs-mzj", "bs-wjw", "bs-zgh", "bs-tqw", "bs-fl",
            "yyl-gw", "ws-gw", "zm-gw", "ld-dw", "gyq-dw", "gyq-p01-e07-party",
            "yyl-b01-e01-party"]:
    L(mid, "bs-jm", "member_of")
for t in TS:
    if t.kind != "street":
        continue
    jm = f"{t.p}-jm"
    U(jm, f"{t.name}区域化党建联席会议", "joint_meeting", "party", located_in=t.code,
      since="2017-06-01")
    L(t.area_party, jm, "leads")
    L(t.gov, jm, "member_of")
    L(f"{t.p}-pcs", jm, "member_of")
    for cid, _, _ in t.communities:
        if any(u["id"] == f"{cid}-party" for u in units):
            L(f"{cid}-party", jm, "member_of")
    for hid in HOST_ORDER:
        if host_info[hid][0] is t:
            if hid not in COMMUNITY_HOSTS:
                L(host_info[hid][1], jm, "member_of")
            for s in hosted[hid]:
                if s.get("org", "").endswith("-party"):
                    L(s["org"], jm, "member_of")

# --------------------------------------------------------------------------
# Matters (事项) and responsibilities
# --------------------------------------------------------------------------
BASIC = [("street-vending", "占道经营", "urban_management", "bs-cgj"),
         ("garbage-sorting", "生活垃圾分类", "greening_sanitation", "bs-lhsrj"),
         ("eldercare", "养老服务", "civil_affairs", "bs-mzj"),
         ("property-disputes", "物业纠纷调处", "housing", "bs-fgj"),
         ("health-campaign", "爱国卫生", "health", "bs-wjw")]
COOP = [("illegal-construction", "违法建筑治理", "urban_management", "bs-cgj"),
        ("fire-safety", "消防安全", "emergency_management", "bs-yjglj"),
        ("group-rental", "群租整治", "housing", "bs-fgj"),
        ("community-correction", "社区矫正", "justice", "bs-sfj"),
        ("noise", "噪声扰民", "environment", "bs-sthjj")]
RECALLED = [("food-safety", "食品安全监管", "market_regulation", "bs-scjgj"),
            ("pollution-enforcement", "环境污染执法", "environment", "bs-sthjj"),
            ("special-equipment", "特种设备安全监察", "market_regulation", "bs-scjgj"),
            ("investment", "招商引资", "investment_attraction", "bs-tcb")]
A001 = ("group-rental", "310113102")             # 大场镇: no lead
A002 = ("noise", "310113003", "bs-gaj")           # 友谊路: second lead at street level
A003 = ("street-vending", "310113007")            # 吴淞: basic matter led by 城管
A004 = ("investment", "zm-gov")                   # 张庙 still leads 招商引资

for mid, name, cat, _ in BASIC:
    M(mid, name, "basic", cat)
for mid, name, cat, _ in COOP:
    M(mid, name, "cooperating", cat)
for mid, name, cat, _ in RECALLED:
    M(mid, name, "recalled", cat)

for mid, _, _, dept in BASIC:
    L(dept, mid, "responsible", role="supervise")      # district level, default scope
    for t in TS:
        if (mid, t.code) == A003:
            L(dept, mid, "responsible", role="lead", scope=t.code, attrs=gap("A003"))
            L(t.gov, mid, "responsible", role="cooperate")
        else:
            L(t.gov, mid, "responsible", role="lead")
for mid, _, _, dept in COOP:
    for t in TS:
        if (mid, t.code) != A001:
            L(dept, mid, "responsible", role="lead", scope=t.code)
        if (mid, t.code) == A002[:2]:
            L(A002[2], mid, "responsible", role="lead", scope=t.code, attrs=gap("A002"))
        L(t.gov, mid, "responsible", role="cooperate")
for mid, _, _, dept in RECALLED:
    L(dept, mid, "responsible", role="lead")            # district level, default scope
L(A004[1], A004[0], "responsible", role="lead", attrs=gap("A003", "A004"))
matters[[m["id"] for m in matters].index(A001[0])]["attrs"] = {
    "note": "no lead for 大场镇 (310113102): A001"}

# --------------------------------------------------------------------------
# Three lists (三张清单)
# --------------------------------------------------------------------------
I("need-yyl-meals", "老年助餐", "need", attrs={"territory": "yyl-c01"})
I("need-yyl-summer", "双职工子女暑期看护", "need", attrs={"territory": "yyl-c02"})
I("need-ws-parking", "居民夜间停车难", "need", attrs={"territory": "ws-c01"})
I("need-ws-elevator", "老旧小区加装电梯协调", "need",
  attrs={"territory": "ws-c03", **gap("L001")})
I("need-zm-legal", "居民法律咨询", "need", attrs={"territory": "zm-c02"})
I("need-bs-jobs", "困难群体就业帮扶", "need", attrs={"territory": "310113"})
I("res-yyl-canteen", "企业食堂错时向老人开放", "resource")
I("res-yyl-school", "学校场地暑期开放", "resource")
I("res-yyl-volunteers", "青年志愿者服务队", "resource")
I("res-ws-parking", "单位停车位夜间共享", "resource")
I("res-zm-lawyers", "律师志愿者公益法律服务", "resource")
I("res-zm-gym", "企业健身房向居民开放", "resource", attrs=gap("L002"))
I("res-bs-jobs", "国企公益性岗位", "resource")
I("proj-yyl-meals", "社区长者食堂共建", "project")
I("proj-yyl-summer", "爱心暑托班", "project")
I("proj-ws-parking", "错时共享停车", "project")
I("proj-zm-legal", "法律服务进社区", "project")
I("proj-bs-jobs", "就业帮扶结对", "project")

L("yyl-c01-rc", "need-yyl-meals", "raises")
L("yyl-c02-party", "need-yyl-summer", "raises")
L("ws-c01-rc", "need-ws-parking", "raises")
L("ws-c03-rc", "need-ws-elevator", "raises")
L("zm-c02-party", "need-zm-legal", "raises")
L("bs-mzj", "need-bs-jobs", "raises")
L(ROLE_UNITS["canteen"], "res-yyl-canteen", "offers")
L(ROLE_UNITS["school"], "res-yyl-school", "offers")
L(ROLE_UNITS["youth"], "res-yyl-volunteers", "offers")
L(ROLE_UNITS["parking"], "res-ws-parking", "offers")
L(ROLE_UNITS["lawyers"], "res-zm-lawyers", "offers")
L(ROLE_UNITS["gym"], "res-zm-gym", "offers")
L(ROLE_UNITS["jobs"], "res-bs-jobs", "offers")
for proj, needs, ress, who in [
        ("proj-yyl-meals", ["need-yyl-meals"], ["res-yyl-canteen"], "yyl-jm"),
        ("proj-yyl-summer", ["need-yyl-summer"], ["res-yyl-school", "res-yyl-volunteers"],
         "yyl-sqdw"),
        ("proj-ws-parking", ["need-ws-parking"], ["res-ws-parking"], "ws-jm"),
        ("proj-zm-legal", ["need-zm-legal"], ["res-zm-lawyers"], "zm-jm"),
        ("proj-bs-jobs", ["need-bs-jobs"], ["res-bs-jobs"], "bs-jm")]:
    L(who, proj, "undertakes")
    for n in needs:
        L(proj, n, "fulfils")
    for r in ress:
        L(proj, r, "uses")

# --------------------------------------------------------------------------
# History: the 2014-15 street reform (街道体制改革, Shanghai "1+6" documents)
# --------------------------------------------------------------------------
# Until the end of 2014 each street was led by a community Party working committee
# (社区党工委) and its office still led investment promotion (招商引资). The reform of
# 2015 renamed the committees street Party working committees (街道党工委), set up the
# "1+2" structure under them (a community Party committee and an administrative Party
# group), and took investment promotion from the streets. The records and links below
# are appended after everything else, so nothing above moves. Dates before the reform
# are exact (2014-12-31); the new bodies start "2015", as the documents say, so a view
# during 2015 lists them as uncertain. Zhangmiao's office (zm-gov) never gave up
# investment promotion: that is the deliberate A004 gap, open to this day.
# Set to False to leave the succession links out (for a loader without succeeded_by).
SUCCESSION = True
BEFORE_REFORM, REFORM = "2014-12-31", "2015"
_links_now = list(links)
for t in TS:
    if t.kind != "street":
        continue
    old = f"{t.p}-sqgw"
    U(old, f"{t.short}社区党工委", "party_working_committee", "party", located_in=t.code,
      since="2000", until=BEFORE_REFORM)
    L("bs-dw", old, "leads", until=BEFORE_REFORM)
    L(old, t.code, "jurisdiction", until=BEFORE_REFORM)
    # Before the reform the committee led directly what the community Party committee
    # and the street working committee lead now.
    since_of = {u["id"]: u.get("since") for u in units}
    for ln in _links_now:
        founded_on = since_of.get(ln["to"])
        if ln["kind"] == "leads" and ln["from"] in (t.party, t.area_party) \
                and ln["to"] not in (f"{t.p}-sqdw", f"{t.p}-xzdz", f"{t.p}-jm") \
                and (founded_on is None or founded_on[:4] < "2015"):
            L(old, ln["to"], "leads", until=BEFORE_REFORM)
    if SUCCESSION:
        L(old, t.party, "succeeded_by", event="rename", attrs={
            "note": "社区党工委更名为街道党工委 (2015 street reform)"})
    for uid in (t.party, f"{t.p}-sqdw", f"{t.p}-xzdz"):
        for u in units:
            if u["id"] == uid:
                u["since"] = REFORM
    if t.gov != A004[1]:
        L(t.gov, "investment", "responsible", role="lead", until=BEFORE_REFORM,
          attrs={"note": "招商引资 taken from the streets by the 2015 reform"})

# --------------------------------------------------------------------------
# People and posts (issue #14): principals and community workers, a decade of terms
# --------------------------------------------------------------------------
# Everything below draws from its own random stream, so the records above are the
# same bytes as before people and meetings were added. Ids are pseudonymous
# (p-0001 …); names are invented from common surnames and given-name characters,
# and the secretaries of firms' and institutions' Party organisations have none
# (the sample shows that every analysis needs only ids).
RP = random.Random(2025)
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
            "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方顾毛钱严施")
GIVEN = "伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰萍红建文辉斌宇浩凯健俊帆旭宁亮飞鹏婷雪琳晨欣怡佳蕾颖慧"


def person(named=True):
    pid = f"p-{len(people) + 1:04d}"
    name = None
    if named:
        name = RP.choice(SURNAMES) + "".join(RP.choice(GIVEN) for _ in range(RP.choice((1, 2, 2))))
    people.append(_clean(dict(id=pid, name=name)))
    return pid


def H(who, unit, post, since=None, until=None, band=None, grade=None, channel=None, attrs=None):
    """A `holds` link: `who` holds `post` in `unit` for the term since … until."""
    links.append(_clean({"from": who, "to": unit, "kind": "holds", "post": post, "band": band,
                         "grade": grade, "channel": channel, "attrs": attrs, "since": since,
                         "until": until}))


def unit_rec(uid):
    return next(u for u in units if u["id"] == uid)


def terr_rec(tid):
    return next(t for t in territories if t["id"] == tid)


# Community elections (居委会/村委会换届) of 2012, 2015, 2018 and 2021; the Party
# organisations elect on the same days here.
COMMUNITY_TERMS = [("2012-04-01", "2015-03-31"), ("2015-04-01", "2018-03-31"),
                   ("2018-04-01", "2021-03-31"), ("2021-04-01", None)]
# District, street and town principals: five-year terms.
LEADER_TERMS = [("2011-06-01", "2016-05-31"), ("2016-06-01", "2021-05-31"), ("2021-06-01", None)]
P001_UNIT = "ws-c04-party"      # secretary left 2023-09-30, nobody since
P001_LEFT = "2023-09-30"
P002_UNIT = "yyl-c02-rc"        # new director elected 2021-04-01, old one recorded until 2021-06-30
P003_UNIT = "zm-c01-rc"         # a community worker at grade 14 in band "other" (1-12)
P004_STREET = "310113007"       # 吴淞街道: population given, far too few community workers
P005_UNIT = "zm-c02-party"      # since 2021 nobody sits on both the branch and the committee
YIJIANTIAO_FROM = 2             # villages: secretary also director (一肩挑) from the 2018 term
STREET_PREFIXES = {t.p for t in TS if t.kind == "street"}


def chain_of_holders(n_terms, stay=0.55, first=None, named=True):
    """One person per term; each re-elected with probability `stay`."""
    who = first or person(named)
    out = [who]
    for _ in range(n_terms - 1):
        if RP.random() >= stay:
            who = person(named)
        out.append(who)
    return out


def leader_terms(unit, post, terms=LEADER_TERMS, named=False, first=None):
    holders = chain_of_holders(len(terms), stay=0.4, first=first, named=named)
    for who, (s, u) in zip(holders, terms):
        H(who, unit, post, since=s, until=u)
    return holders


# City and district principals, unnamed.
for uid, post in [("sh-sw", "secretary"), ("sh-gov", "head"), ("bs-dw", "secretary"),
                  ("bs-gov", "head")]:
    leader_terms(uid, post)

for t in TS:
    if t.kind == "street":
        # Before the 2015 reform the community Party working committee, after it the
        # street Party working committee: the same secretary carries on through the rename.
        first = person()
        H(first, f"{t.p}-sqgw", "secretary", since="2011-06-01", until=BEFORE_REFORM)
        leader_terms(t.party, "secretary", [(REFORM, "2016-05-31")] + LEADER_TERMS[1:],
                     first=first)
        # The street's head also leads its administrative Party group (交叉任职).
        heads = leader_terms(t.gov, "head", named=True)
        if f"{t.p}-xzdz" in {u["id"] for u in units}:
            for who, (s, u) in zip(heads, [(REFORM, LEADER_TERMS[0][1])] + LEADER_TERMS[1:]):
                H(who, f"{t.p}-xzdz", "secretary", since=s, until=u)
        sq = person()
        H(sq, f"{t.p}-sqdw", "secretary", since=REFORM)
        H(sq, t.party, "deputy_secretary", since=REFORM)
    else:
        leader_terms(t.party, "secretary", named=True)
        heads = leader_terms(t.gov, "head", named=True)
        for who, (s, u) in zip(heads, LEADER_TERMS):
            H(who, t.party, "deputy_secretary", since=s, until=u)

# Communities and villages: secretary, director, cross-appointment, and in the three
# streets four community workers each (三岗十八级, 班长工程 channels).
CHANNELS = ["grassroots", "open_recruitment", "assigned"]
for t in TS:
    for cid, tkind, _ in t.communities:
        pid, rid = f"{cid}-party", f"{cid}-{'vc' if tkind == 'village' else 'rc'}"
        has_party, has_rc = cid != C006_COMMUNITY, cid != C007_COMMUNITY
        n = len(COMMUNITY_TERMS)
        secs = chain_of_holders(n) if has_party else []
        dirs = chain_of_holders(n) if has_rc else []
        for i, (s, u) in enumerate(COMMUNITY_TERMS):
            if has_party:
                until = u
                if pid == P001_UNIT and u is None:
                    until = P001_LEFT
                H(secs[i], pid, "secretary", since=s, until=until)
            if not has_rc:
                continue
            if tkind == "village" and i >= YIJIANTIAO_FROM:
                dirs[i] = secs[i]                       # 一肩挑: one person, both posts
            elif rid == P002_UNIT and u is None:
                dirs[i] = person()                      # a new director from 2021-04-01 …
            attrs = None
            if rid == P002_UNIT and u == "2021-03-31":
                # … while the old one's term is recorded until the handover (P002)
                attrs = {"note": "recorded until the handover, after the new director's election"}
            H(dirs[i], rid, "director", since=s, until="2021-06-30" if attrs else u, attrs=attrs)
            if has_party and dirs[i] != secs[i] and not (pid == P005_UNIT and u is None):
                H(dirs[i], pid, "committee_member", since=s, until=u)   # 交叉任职
        if t.p in STREET_PREFIXES and has_rc:
            for band, lo, hi in [("chief", 7, 13), ("deputy", 4, 10), ("other", 1, 8),
                                 ("other", 1, 8)]:
                since = f"{RP.randint(2014, 2022)}-{RP.choice(['03', '07', '09'])}-01"
                w, grade, channel = person(), RP.randint(lo, hi), RP.choice(CHANNELS)
                if rid == P003_UNIT and band == "other":
                    # the P003 gap: grade 14 is above band "other" (1-12)
                    grade, since = 14, "2022-03-01"
                    people[-1]["attrs"] = gap("P003")
                H(w, rid, "community_worker", since=since, band=band, grade=grade,
                  channel=channel)
                if rid == P003_UNIT and band == "other":
                    break                               # one such worker

P003_PERSON = next(p["id"] for p in people if "P003" in p.get("attrs", {}).get("gaps", []))
for uid, code in [(P001_UNIT, "P001"), (P002_UNIT, "P002"), (P005_UNIT, "P005")]:
    rec = unit_rec(uid)
    rec["attrs"] = {**rec.get("attrs", {}), **gap(code)}
# 吴淞街道's population (synthetic, like every count of the sample): its 5 communities'
# 20 community workers are far fewer than 18 per 10,000 residents.
terr_rec(P004_STREET)["attrs"] = {**terr_rec(P004_STREET)["attrs"], "population": 86000,
                                  "population_source": "synthetic", **gap("P004")}

# Every other Party organisation (of units, buildings, parks, joint meetings' members):
# its secretary since its founding, unnamed. Joint branches are left unstaffed.
staffed = {ln["to"] for ln in links if ln["kind"] == "holds" and ln["post"] == "secretary"}
for u in list(units):
    if u["kind"] in {"party_committee", "party_working_committee", "party_group",
                     "party_general_branch", "party_branch"} and u["id"] not in staffed:
        H(person(named=False), u["id"], "secretary", since=u.get("since"), until=u.get("until"))

# --------------------------------------------------------------------------
# Meetings (issue #15): the three meetings (三会) from 2022, and projects they decide
# --------------------------------------------------------------------------
# The three lists start in 2022: needs and resources gathered from January, the five
# projects started after their hearings.
ITEM_SINCE = {"proj-yyl-meals": "2022-05-01", "proj-yyl-summer": "2022-07-01",
              "proj-ws-parking": "2022-06-01", "proj-zm-legal": "2022-09-01",
              "proj-bs-jobs": "2022-03-01"}
for it in items:
    it["since"] = ITEM_SINCE.get(it["id"], "2022-01-01")
M001_COMMUNITY = "gc-c02"       # no hearing, coordination or evaluation in 2023
M002_PROJECT = "proj-ws-c02-shed"       # started 2023-03-01, heard 2023-04-12
M003_PROJECT = "proj-zm-c04-garden"     # ended 2023-06-30, never evaluated
M004_MEETING = "m-zm-c05-2023-x"        # convened by zm-sqgw, gone since 2014
# Projects that came out of community meetings: (id, name, community, since, until)
NEW_PROJECTS = [
    ("proj-yyl-c03-lift", "加装电梯", "yyl-c03", "2022-06-01", "2023-05-31"),
    (M003_PROJECT, "口袋公园", "zm-c04", "2022-08-01", "2023-06-30"),
    (M002_PROJECT, "非机动车棚改造", "ws-c02", "2023-03-01", None),
    ("proj-yyl-c05-corridor", "楼道堆物整治", "yyl-c05", "2023-04-01", "2023-10-31"),
    ("proj-ws-c03-bins", "垃圾箱房改造", "ws-c03", "2024-03-01", None),
]
for pid_, name, cid, s, u in NEW_PROJECTS:
    attrs = {"territory": cid}
    if pid_ in (M002_PROJECT, M003_PROJECT):
        attrs.update(gap("M002" if pid_ == M002_PROJECT else "M003"))
    items.append(_clean(dict(id=pid_, name=name, list="project", attrs=attrs, since=s, until=u)))
    L(f"{cid}-rc", pid_, "undertakes")


def meeting(mid, kind, territory, date, convener=None, topics=None, attrs=None):
    meetings.append(_clean(dict(id=mid, kind=kind, territory=territory, date=date,
                                convener=convener, topics=topics, attrs=attrs)))


def day(year, months):
    return f"{year}-{RP.choice(months):02d}-{RP.randint(1, 28):02d}"


# (meeting kind, community, date, topics) for the projects: hearings before the start
# (but M002's after), evaluations after the end (but none for M003's).
PROJECT_MEETINGS = [
    ("hearing", "yyl-c01", "2022-04-14", ["proj-yyl-meals"]),
    ("evaluation", "yyl-c01", "2023-11-21", ["proj-yyl-meals"]),
    ("hearing", "yyl-c02", "2022-06-09", ["proj-yyl-summer"]),
    ("evaluation", "yyl-c02", "2022-10-13", ["proj-yyl-summer"]),
    ("hearing", "ws-c01", "2022-05-19", ["proj-ws-parking"]),
    ("hearing", "zm-c02", "2022-08-18", ["proj-zm-legal"]),
    ("hearing", "yyl-c03", "2022-04-21", ["proj-yyl-c03-lift"]),
    ("coordination", "yyl-c03", "2022-11-10", ["proj-yyl-c03-lift"]),
    ("evaluation", "yyl-c03", "2023-09-07", ["proj-yyl-c03-lift"]),
    ("hearing", "zm-c04", "2022-07-07", [M003_PROJECT]),
    ("hearing", "ws-c02", "2023-04-12", [M002_PROJECT]),
    ("hearing", "yyl-c05", "2023-03-16", ["proj-yyl-c05-corridor"]),
    ("evaluation", "yyl-c05", "2023-12-14", ["proj-yyl-c05-corridor"]),
    ("hearing", "ws-c03", "2024-01-18", ["proj-ws-c03-bins"]),
    ("coordination", "ws-c03", "2024-05-23", ["proj-ws-c03-bins", "garbage-sorting"]),
]
by_community = {}
for kind, cid, date, topics in PROJECT_MEETINGS:
    by_community.setdefault(cid, []).append((kind, date, topics))
meeting("m-bs-2022-jobs", "hearing", "310113", "2022-02-24", convener="bs-mzj",
        topics=["proj-bs-jobs"])
KINDS3 = ["hearing", "coordination", "evaluation"]
for t in TS:
    for cid, tkind, _ in t.communities:
        conv = f"{cid}-{'vc' if tkind == 'village' else 'rc'}"
        if cid == C007_COMMUNITY:
            conv = f"{cid}-party"
        own = by_community.get(cid, [])
        for year in (2022, 2023, 2024):
            rows = [(k, d, tp) for k, d, tp in own if d.startswith(str(year))]
            if t.p in STREET_PREFIXES and year < 2024:
                # the streets hold the three meetings every year
                have = {k for k, _, _ in rows}
                months = {"hearing": range(3, 6), "coordination": range(6, 10),
                          "evaluation": range(10, 13)}
                rows += [(k, day(year, months[k]), None) for k in KINDS3 if k not in have]
            elif not rows:
                # elsewhere one meeting a year is recorded (two in the first half of 2024
                # for none), except the M001 gap's 2023
                if year == 2024 or (cid == M001_COMMUNITY and year == 2023):
                    continue
                rows = [(RP.choice(KINDS3), day(year, range(3, 12)), None)]
            for n, (k, d, tp) in enumerate(sorted(rows, key=lambda r: r[1]), 1):
                meeting(f"m-{cid}-{year}-{n}", k, cid, d, convener=conv, topics=tp)
terr_rec(M001_COMMUNITY)["attrs"] = {**terr_rec(M001_COMMUNITY)["attrs"], **gap("M001")}
# M004: a coordination meeting recorded under the convener's pre-2015 name.
meeting(M004_MEETING, "coordination", "zm-c05", "2023-05-16", convener="zm-sqgw",
        topics=["property-disputes"], attrs={**gap("M004"),
        "note": "convener written as 张庙社区党工委, which became zm-gw in 2015"})

# --------------------------------------------------------------------------
# The deliberate gaps: what the audit must find, exactly
# (rule, subject, where/what) -- subject is the id the finding is about
# --------------------------------------------------------------------------
EXPECTED_GAPS = [   # (rule, subject, street/town for A001-A003 else None, explanation)
    ("S001", "gc-c03-wy", None, "leads cycle gc-c03-wy → gc-c03-ywh → gc-c03-wy (顾村镇 property manager ↔ owners' committee)"),
    ("S002", "zm-scjgs", None, "led by bs-scjgj and zm-gov, neither link marked primary"),
    ("S003", "lj-c02-party", None, "community Party organisation of lj-c02 (罗泾镇) is led by nobody"),
    ("S004", "ws-gw", None, "吴淞街道党工委 leads a community Party committee (ws-sqdw) but no administrative Party group"),
    ("C001", "dc-b01-e01", None, "private firm, 5 members, no own Party organisation (has an instructor)"),
    ("C001", "gj-b01-e01", None, "foreign firm, 3 members, no own Party organisation (has a union branch)"),
    ("C001", "yx-p01-e01", None, "state-owned firm, 4 members, no own Party organisation"),
    ("C002", "sn-b01-e01", None, "private firm, 1 member, in no joint branch (has an instructor)"),
    ("C002", "yp-c01-i01", None, "public institution, 2 members, in no joint branch"),
    ("C003", "mx-b01-e01", None, "private firm, 0 members, no Party organisation, instructor or union"),
    ("C003", "yyl-c02-s01", None, "social organisation, 0 members, no Party organisation, instructor or union"),
    ("C004", "gyq-p01-jb1", None, "joint branch covering 6 units (gyq-p01-e01 … e06)"),
    ("C005", "ld-p01-e01-party", None, "party_branch with 60 members"),
    ("C006", "yp-c04", None, "community with no Party organisation holding jurisdiction (new estate)"),
    ("C007", "zm-c03", None, "community with no residents' committee (grids run by workstations)"),
    ("C008", "yyl-c03-g2", None, "grid with no unit holding jurisdiction"),
    ("D001", "gc-p01-jb1", None, "joint branch does not register with gc-p01-party"),
    ("D001", "ws-b01-e01-party", None, "branch does not register with ws-b01-party"),
    ("A001", "group-rental", "310113102", "群租整治: no lead for 大场镇 (the town only cooperates)"),
    ("A002", "noise", "310113003", "噪声扰民: two leads (bs-sthjj, bs-gaj) for 友谊路街道"),
    ("A003", "investment", "310113008", "招商引资 is recalled but zm-gov leads it in 张庙街道 (same link as A004)"),
    ("A003", "street-vending", "310113007", "占道经营 is basic but bs-cgj leads it in 吴淞街道 (the street only cooperates)"),
    ("A004", "investment", "310113008", "张庙街道办事处 (zm-gov) holds a responsibility (lead) for investment (招商引资); A-rule findings name the matter as subject, with the street as territory"),
    ("B001", "gc-pcs", None, "顾村镇 holds consent but no assessment power over its police station"),
    ("B001", "lj-cgzd", None, "罗泾镇 holds neither consent nor assessment (same agency as B002)"),
    ("B001", "yx-scjgs", None, "杨行镇 holds assessment but no consent power"),
    ("B002", "lj-cgzd", None, "stationed agency with no link at all to 罗泾镇 (only dispatched and led by bs-cgj)"),
    ("L001", "need-ws-elevator", None, "need no project fulfils"),
    ("L002", "res-zm-gym", None, "resource no project uses"),
    ("P001", P001_UNIT, None, "the community Party organisation's secretary left on 2023-09-30 and nobody holds the post since"),
    ("P002", P002_UNIT, None, "two directors from 2021-04-01 until 2021-06-30: the old term was recorded until the handover, after the election"),
    ("P003", P003_PERSON, None, "community worker in zm-c01-rc at grade 14, above band other (grades 1–12)"),
    ("P004", P004_STREET, None, "吴淞街道: 20 community workers for 86,000 residents (synthetic), fewer than 18 per 10,000 (155)"),
    ("P005", P005_UNIT, None, "since the 2021 election nobody sits on both the Party organisation and the residents' committee it leads (no 交叉任职)"),
    ("M001", M001_COMMUNITY, None, "no hearing, coordination or evaluation meeting in 2023"),
    ("M002", M002_PROJECT, None, "project started 2023-03-01; its hearing was held on 2023-04-12, after the start"),
    ("M003", M003_PROJECT, None, "project ended 2023-06-30, more than 180 days before as_of, and was never evaluated"),
    ("M004", "zm-c05", None, "meeting m-zm-c05-2023-x (2023-05-16) convened by zm-sqgw, which ended on 2014-12-31"),
]

# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------
PARTY_KINDS = {"party_committee", "party_working_committee", "party_group",
               "party_general_branch", "party_branch", "joint_party_branch"}
TERRITORY_KINDS = {"country", "province", "city", "district", "street", "town", "township",
                   "zone", "community", "village", "grid", "building", "park", "market",
                   "platform"}
UNIT_KINDS = PARTY_KINDS | {"government", "department", "dispatched_agency",
                            "residents_committee", "villagers_committee", "owners_committee",
                            "property_manager", "enterprise", "public_institution",
                            "social_organization", "mass_organization", "joint_meeting"}
SECTORS = {"party", "government", "public_institution", "state_owned", "private", "foreign",
           "social", "self_governance", "mass"}
FIELDS = {
    "territory": {"id", "name", "kind", "parent", "attrs", "since", "until"},
    "unit": {"id", "name", "kind", "sector", "located_in", "members", "staff",
             "in_service_members", "attrs", "since", "until"},
    "matter": {"id", "name", "list", "category", "attrs", "since", "until"},
    "item": {"id", "name", "list", "attrs", "since", "until"},
    "person": {"id", "name", "attrs", "since", "until"},
    "link": {"from", "to", "kind", "primary", "power", "role", "scope", "members", "attrs",
             "since", "until", "event", "post", "band", "grade", "channel"},
    "meeting": {"id", "kind", "territory", "date", "convener", "topics", "attrs"},
}
POSTS = {"secretary", "deputy_secretary", "committee_member", "director", "deputy_director",
         "head", "deputy_head", "community_worker", "grid_worker", "instructor"}
UNIT_UNIT = {"leads", "guides", "instructs", "mass_org_of", "registers_with", "reports_back",
             "member_of", "power", "party_org_of"}
LEVEL_OF_KIND = {"city": "city", "district": "district", "street": "street", "town": "street",
                 "township": "street", "zone": "street", "community": "community",
                 "village": "community", "grid": "grid"}
TOWNSHIP_KINDS = {"street", "town", "township", "zone"}


def check_structure():
    import re
    date = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
    recs = ([("territory", r) for r in territories] + [("unit", r) for r in units] +
            [("matter", r) for r in matters] + [("item", r) for r in items] +
            [("person", r) for r in people])
    typ, byid = {}, {}
    for k, r in recs:
        assert set(r) <= FIELDS[k], (k, r)
        assert isinstance(r["id"], str) and r["id"].isascii() and r["id"], r
        assert r["id"] not in typ, f"duplicate id {r['id']}"
        typ[r["id"]] = k
        byid[r["id"]] = r
        for d in ("since", "until"):
            if d in r:
                assert date.match(r[d]) and r[d] <= AS_OF, r
    for r in meetings:
        assert set(r) <= FIELDS["meeting"] and r["id"] not in typ, r
        typ[r["id"]] = "meeting"
        assert r["kind"] in {"hearing", "coordination", "evaluation", "consultation"}, r
        assert date.match(r["date"]) and r["date"] <= AS_OF, r
        assert typ.get(r["territory"]) == "territory", r
        assert "convener" not in r or typ.get(r["convener"]) == "unit", r
        assert all(typ.get(x) in ("item", "matter") for x in r.get("topics", [])), r
    for r in territories:
        assert r["kind"] in TERRITORY_KINDS, r
        seen, cur = set(), r
        while "parent" in cur:
            assert typ.get(cur["parent"]) == "territory", r
            assert cur["id"] not in seen, f"parent loop at {r['id']}"
            seen.add(cur["id"])
            cur = byid[cur["parent"]]
        assert cur["id"] == "31", f"{r['id']} chain ends at {cur['id']}"
    for r in units:
        assert r["kind"] in UNIT_KINDS or r["kind"].startswith("x-"), r
        assert r["sector"] in SECTORS, r
        if "located_in" in r:
            assert typ.get(r["located_in"]) == "territory", r
        for c in ("members", "staff", "in_service_members"):
            if c in r:
                assert isinstance(r[c], int) and not isinstance(r[c], bool) and r[c] >= 0, r
        assert r.get("in_service_members", 0) <= r.get("members", 0), r
    for r in matters:
        assert r["list"] in {"basic", "cooperating", "recalled"}, r
    for r in items:
        assert r["list"] in {"need", "resource", "project"}, r
    ukind = {u["id"]: u["kind"] for u in units}
    ilist = {i["id"]: i["list"] for i in items}
    seen_links = set()
    for ln in links:
        assert set(ln) <= FIELDS["link"], ln
        f, t, k = ln["from"], ln["to"], ln["kind"]
        assert f in typ and t in typ, f"dangling link {ln}"
        key = json.dumps(ln, sort_keys=True, ensure_ascii=False)
        assert key not in seen_links, f"duplicate link {ln}"
        seen_links.add(key)
        for d in ("since", "until"):
            if d in ln:
                assert date.match(ln[d]) and ln[d] <= AS_OF, ln
        extra = set(ln) - {"from", "to", "kind", "attrs", "since", "until"}
        if k == "succeeded_by":
            assert extra == {"event"} and typ[f] == typ[t], ln
            continue
        if k == "holds":
            assert typ[f] == "person" and typ[t] == "unit", ln
            assert "post" in extra and extra <= {"post", "band", "grade", "channel"}, ln
            assert ln["post"] in POSTS, ln
            assert ln.get("band", "chief") in {"chief", "deputy", "other"}, ln
            assert 1 <= ln.get("grade", 1) <= 18, ln
            assert ln.get("channel", "assigned") in {"grassroots", "open_recruitment", "assigned"}, ln
            continue
        if k in UNIT_UNIT:
            assert typ[f] == "unit" and typ[t] == "unit", ln
        if k == "leads":
            assert extra <= {"primary"} and ln.get("primary", True) is True, ln
        elif k == "power":
            assert extra == {"power"} and ln["power"] in {
                "advice", "consent", "assessment", "participation", "comprehensive"}, ln
        elif k == "registers_with":
            assert extra <= {"members"} and ukind[f] in PARTY_KINDS and ukind[t] in PARTY_KINDS, ln
            if "members" in ln:
                assert isinstance(ln["members"], int) and ln["members"] >= 0
        elif k == "party_org_of":
            assert not extra and ukind[f] in PARTY_KINDS and ukind[t] not in PARTY_KINDS, ln
        elif k == "mass_org_of":
            assert not extra and ukind[f] == "mass_organization", ln
        elif k == "member_of":
            assert not extra and ukind[t] == "joint_meeting", ln
        elif k in UNIT_UNIT:
            assert not extra, ln
        elif k == "dispatches":
            assert not extra and ukind.get(f) == "department" and typ[t] == "unit", ln
        elif k == "jurisdiction":
            assert not extra and typ[f] == "unit" and typ[t] == "territory", ln
        elif k == "responsible":
            assert typ[f] == "unit" and typ[t] == "matter", ln
            assert extra <= {"role", "scope"} and ln["role"] in {"lead", "cooperate", "supervise"}
            if "scope" in ln:
                assert typ[ln["scope"]] == "territory", ln
        elif k == "raises":
            assert not extra and typ[f] == "unit" and ilist.get(t) == "need", ln
        elif k == "offers":
            assert not extra and typ[f] == "unit" and ilist.get(t) == "resource", ln
        elif k == "undertakes":
            assert not extra and typ[f] == "unit" and ilist.get(t) == "project", ln
        elif k == "fulfils":
            assert not extra and ilist.get(f) == "project" and ilist.get(t) == "need", ln
        elif k == "uses":
            assert not extra and ilist.get(f) == "project" and ilist.get(t) == "resource", ln
        else:
            raise AssertionError(f"unknown link kind {ln}")
    return byid


def reference_audit(byid):
    """Plain-reading audit of every rule in queries.md. Where a rule can be
    read more than one way, the sample is built so that every reading gives
    the same findings; the asserts below check the stricter readings too."""
    terr = {t["id"]: t for t in territories}
    unit = {u["id"]: u for u in units}
    out = set()

    def by_kind(k):
        return [ln for ln in links if ln["kind"] == k]

    juris = {}
    for ln in by_kind("jurisdiction"):
        juris.setdefault(ln["from"], []).append(ln["to"])
    holders = {}
    for ln in by_kind("jurisdiction"):
        holders.setdefault(ln["to"], []).append(ln["from"])

    def tlevel(tid):
        return LEVEL_OF_KIND.get(terr[tid]["kind"])
    RANK = ["city", "district", "street", "community", "grid"]

    def ulevel(uid):
        if uid in juris:
            lv = [tlevel(t) for t in juris[uid]]
            lv = [x for x in lv if x]
            return min(lv, key=RANK.index) if lv else None
        loc = unit[uid].get("located_in")
        return tlevel(loc) if loc else None

    def is_party(uid):
        return unit[uid]["kind"] in PARTY_KINDS

    leaders = {}
    for ln in by_kind("leads"):
        leaders.setdefault(ln["to"], []).append(ln)

    # S001 leadership cycles (strongly connected components of size > 1)
    succ = {}
    for ln in by_kind("leads"):
        succ.setdefault(ln["from"], []).append(ln["to"])
    index, low, stack, on, sccs, cnt = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = cnt[0]
        cnt[0] += 1
        stack.append(v)
        on.add(v)
        for w in succ.get(v, []):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in succ.get(v, []):
                sccs.append(sorted(comp))
    for v in sorted(unit):
        if v not in index:
            strong(v)
    for comp in sccs:
        out.add(("S001", comp[0]))     # subject: the first unit of the cycle in id order

    # S002 ambiguous leader
    for uid, lns in leaders.items():
        if len(lns) >= 2 and not any(ln.get("primary") for ln in lns):
            out.add(("S002", uid))
        assert sum(1 for ln in lns if ln.get("primary")) <= 1, uid

    # S003 broken chain: checked for every Party organisation below street
    # level (community, grid, building/park or no level at all) -- stricter
    # than "community-level" -- following the primary leader first.
    def chain(uid):
        seen, path = {uid}, [uid]
        cur = uid
        while cur in leaders:
            lns = leaders[cur]
            nxt = next((ln for ln in lns if ln.get("primary")), lns[0])["from"]
            if nxt in seen:
                break
            seen.add(nxt)
            path.append(nxt)
            cur = nxt
        return path
    for uid in unit:
        if not is_party(uid) or ulevel(uid) in ("city", "district", "street"):
            continue
        path = chain(uid)[1:]
        lv = [ulevel(p) for p in path if is_party(p)]
        ok = "street" in lv and "district" in lv and path and is_party(path[-1]) \
            and ulevel(path[-1]) == "city"
        if not ok:
            out.add(("S003", uid))
            assert ulevel(uid) == "community", uid   # also found by the narrow reading

    # S004 1+2, direct reading; assert the transitive reading agrees
    for u in units:
        if u["kind"] != "party_working_committee":
            continue
        direct = [ln["to"] for ln in by_kind("leads") if ln["from"] == u["id"]]
        kinds = [unit[d]["kind"] for d in direct]
        bad = kinds.count("party_committee") != 1 or kinds.count("party_group") != 1
        desc, todo = set(), list(direct)
        while todo:
            x = todo.pop()
            if x not in desc:
                desc.add(x)
                todo += [ln["to"] for ln in by_kind("leads") if ln["from"] == x]
        dk = [unit[d]["kind"] for d in desc]
        bad_t = dk.count("party_committee") != 1 or dk.count("party_group") != 1
        assert bad == bad_t, u["id"]
        if bad:
            out.add(("S004", u["id"]))

    # coverage
    org_of = {}
    for ln in by_kind("party_org_of"):
        org_of.setdefault(ln["to"], []).append(ln["from"])
    covers = {}
    for ln in by_kind("party_org_of"):
        covers.setdefault(ln["from"], []).append(ln["to"])
    instructed = {ln["to"] for ln in by_kind("instructs")}
    massed = {ln["to"] for ln in by_kind("mass_org_of")}
    for u in units:
        if is_party(u["id"]):
            continue
        m = u.get("members", 0)
        orgs = org_of.get(u["id"], [])
        own = [o for o in orgs if unit[o]["kind"] != "joint_party_branch" and len(covers[o]) == 1]
        joint = [o for o in orgs if unit[o]["kind"] == "joint_party_branch"]
        assert not (m >= 3 and joint), u["id"]       # no ambiguity over "own"
        assert not (m < 3 and own), u["id"]
        if m >= 3 and not own:
            out.add(("C001", u["id"]))
        if 1 <= m <= 2 and not joint:
            out.add(("C002", u["id"]))
        if u["sector"] in ("private", "foreign", "social") and not orgs \
                and u["id"] not in instructed and u["id"] not in massed:
            out.add(("C003", u["id"]))
    for o, cov in covers.items():
        if unit[o]["kind"] == "joint_party_branch" and len(cov) > 5:
            out.add(("C004", o))
        assert unit[o]["kind"] == "joint_party_branch" or len(cov) == 1, o
    for u in units:
        k, m = u["kind"], u.get("members", 0)
        if (k in ("party_branch", "joint_party_branch") and m > 50) or \
                (k == "party_general_branch" and m > 100):
            out.add(("C005", u["id"]))
    for t in territories:
        hs = holders.get(t["id"], [])
        if t["kind"] in ("community", "village", "street", "town", "township", "zone") \
                and not any(is_party(h) for h in hs):
            out.add(("C006", t["id"]))
        if t["kind"] in ("community", "village"):
            want = "residents_committee" if t["kind"] == "community" else "villagers_committee"
            if not any(unit[h]["kind"] in ("residents_committee", "villagers_committee")
                       for h in hs):
                out.add(("C007", t["id"]))
            else:
                assert any(unit[h]["kind"] == want for h in hs), t["id"]
        if t["kind"] == "grid" and not hs:
            out.add(("C008", t["id"]))

    # D001 dual registration: strict reading (registered with a Party
    # organisation holding jurisdiction over exactly the unit's territory)
    regs = {}
    for ln in by_kind("registers_with"):
        regs.setdefault(ln["from"], []).append(ln["to"])
    for o, cov in covers.items():
        places = {unit[c]["located_in"] for c in cov}
        assert len(places) == 1, o          # a joint branch never spans places
        place = places.pop()
        ok = any(is_party(q) and place in juris.get(q, []) for q in regs.get(o, []))
        if not ok:
            out.add(("D001", o))
            assert o not in regs, o          # also found by the loosest reading

    # A001-A004 matter resolution
    def applies(ln):
        return [ln["scope"]] if "scope" in ln else juris.get(ln["from"], [])
    resp = by_kind("responsible")
    mat = {m["id"]: m for m in matters}
    townships = [t["id"] for t in territories if t["kind"] in TOWNSHIP_KINDS]
    for m in matters:
        ml = [ln for ln in resp if ln["to"] == m["id"]]
        for tid in townships:
            street_units = set(holders.get(tid, []))
            cur, found, lead_level = tid, None, None
            while cur is not None:
                here = [ln for ln in ml if cur in applies(ln)]
                if here and found is None:
                    found = here
                if any(ln["role"] == "lead" for ln in here) and lead_level is None:
                    lead_level = here
                cur = terr[cur].get("parent")
            leads = [ln["from"] for ln in (found or []) if ln["role"] == "lead"]
            # "nearest level with any link" and "nearest level with a lead" agree
            leads2 = [ln["from"] for ln in (lead_level or []) if ln["role"] == "lead"]
            assert sorted(leads) == sorted(leads2) or not leads, (m["id"], tid)
            if not leads:
                out.add(("A001", m["id"], tid))
            if len(leads) >= 2:
                out.add(("A002", m["id"], tid))
            at_street = [ln for ln in ml if tid in applies(ln)]
            street_roles = [ln for ln in at_street if ln["from"] in street_units]
            street_lead = any(ln["role"] == "lead" for ln in street_roles)
            street_coop = any(ln["role"] == "cooperate" for ln in street_roles)
            lst = m["list"]
            if (lst == "basic" and not (leads and all(x in street_units for x in leads))) \
                    or (lst == "cooperating" and (street_lead or not street_coop)) \
                    or (lst == "recalled" and street_roles):
                out.add(("A003", m["id"], tid))
    for ln in resp:
        for t in juris.get(ln["from"], []):
            if terr[t]["kind"] in TOWNSHIP_KINDS and mat[ln["to"]]["category"] == "investment_attraction":
                out.add(("A004", ln["to"], t))

    # B001/B002 strips and blocks
    for u in units:
        if u["kind"] != "dispatched_agency":
            continue
        block = set(holders.get(u["located_in"], []))
        assert block, u["id"]
        pw = {ln["power"] for ln in by_kind("power") if ln["to"] == u["id"] and ln["from"] in block}
        if not {"assessment", "consent"} <= pw:
            out.add(("B001", u["id"]))
        if not any((ln["from"] in block and ln["to"] == u["id"]) or
                   (ln["to"] in block and ln["from"] == u["id"]) for ln in links):
            out.add(("B002", u["id"]))

    # L001/L002 lists
    fulfilled = {ln["to"] for ln in by_kind("fulfils")}
    used = {ln["to"] for ln in by_kind("uses")}
    for i in items:
        if i["list"] == "need" and i["id"] not in fulfilled:
            out.add(("L001", i["id"]))
        if i["list"] == "resource" and i["id"] not in used:
            out.add(("L002", i["id"]))
    return out


def principal_post(kind):
    """docs/people.md, "The principal"."""
    if kind in PARTY_KINDS:
        return "secretary"
    if kind in {"residents_committee", "villagers_committee", "owners_committee", "joint_meeting"}:
        return "director"
    return "head"


def _first(text):
    return _bounds(text)[0]


def _last(text):
    return _bounds(text)[1]


def reference_people_meetings(day):
    """Plain reading of rules P001-P005 and M001-M004 (docs/rules.md) at `day`, on the
    whole document: the P rules when the model has people, the M rules when it records a
    meeting."""
    import datetime
    out = set()
    byid = {r["id"]: r for r in territories + units + matters + items + people}
    live = {i for i, r in byid.items() if in_force(r, day)}
    view = [ln for ln in links if in_force(ln, day) and ln["from"] in live and ln["to"] in live]
    holds_all = [ln for ln in links if ln["kind"] == "holds"]
    holds = [ln for ln in view if ln["kind"] == "holds"]
    if people or holds_all:
        kind = {u["id"]: u["kind"] for u in units}
        staffed = {kind[ln["to"]] for ln in holds if ln["post"] == principal_post(kind[ln["to"]])}
        checked = PARTY_KINDS | {"government", "department", "dispatched_agency",
                                 "residents_committee", "villagers_committee"}
        for u in units:
            if u["id"] not in live:
                continue
            post = principal_post(u["kind"])
            mine = [ln for ln in holds_all if ln["to"] == u["id"]]
            # P001: nobody holds the principal post; checked for staffed kinds and for
            # units that ever had a holder
            if u["kind"] in checked and not any(
                    ln["post"] == post for ln in holds if ln["to"] == u["id"]) and (
                    u["kind"] in staffed or any(ln["post"] == post for ln in mine)):
                out.add(("P001", u["id"]))
            # P002: two people's terms in one single-holder post overlap, whole document
            for a in mine:
                for b in mine:
                    if a["from"] < b["from"] and a["post"] == b["post"] and \
                            a["post"] in {"secretary", "director", "head"}:
                        start = max((_last(x["since"]) for x in (a, b) if "since" in x),
                                    default="0000-01-01")
                        end = min((_first(x["until"]) for x in (a, b) if "until" in x),
                                  default="9999-12-31")
                        if start <= end:
                            out.add(("P002", u["id"]))
        # P003: grade outside its band
        grades = {"chief": (7, 18), "deputy": (4, 15), "other": (1, 12)}
        for ln in holds:
            if "band" in ln and "grade" in ln:
                lo, hi = grades[ln["band"]]
                if not lo <= ln["grade"] <= hi:
                    out.add(("P003", ln["from"]))
        # P004: community workers per 10,000 residents, by the unit's street/town
        def township(tid):
            while tid and byid[tid]["kind"] not in TOWNSHIP_KINDS:
                tid = byid[tid].get("parent")
            return tid
        workers = {}
        for ln in holds:
            if ln["post"] == "community_worker":
                u = byid[ln["to"]]
                tid = u.get("located_in") or next(
                    (j["to"] for j in view if j["kind"] == "jurisdiction" and j["from"] == u["id"]),
                    None)
                workers.setdefault(township(tid), set()).add(ln["from"])
        for t in territories:
            pop = t.get("attrs", {}).get("population")
            if t["id"] in live and t["kind"] in {"street", "town"} and isinstance(pop, int) and \
                    len(workers.get(t["id"], ())) * 10000 < 18 * pop:
                out.add(("P004", t["id"]))
        # P005: a Party organisation leading a committee, nobody on both
        for ln in view:
            if ln["kind"] == "leads" and kind.get(ln["from"]) in PARTY_KINDS and \
                    kind.get(ln["to"]) in {"residents_committee", "villagers_committee"}:
                party = {h["from"] for h in holds if h["to"] == ln["from"] and
                         h["post"] in {"secretary", "deputy_secretary", "committee_member"}}
                comm = {h["from"] for h in holds if h["to"] == ln["to"]}
                if party and comm and not party & comm:
                    out.add(("P005", ln["from"]))
    if meetings:
        held = [m for m in meetings if _first(m["date"]) <= day]
        # M001: a community or village with none of the three meetings in a whole year
        first_year = min(int(m["date"][:4]) for m in meetings)
        last_year = int(day[:4]) - (0 if day[5:] == "12-31" else 1)

        def community_of(tid):
            while tid and byid[tid]["kind"] not in {"community", "village"}:
                tid = byid[tid].get("parent")
            return tid
        met = {(community_of(m["territory"]), int(m["date"][:4])) for m in held
               if m["kind"] in {"hearing", "coordination", "evaluation"}}
        for t in territories:
            if t["id"] in live and t["kind"] in {"community", "village"} and any(
                    (t["id"], y) not in met for y in range(first_year, last_year + 1)):
                out.add(("M001", t["id"]))
        # M002: a project under way with no hearing on it by the day it started
        # M003: a project ended more than 180 days ago with no evaluation on it
        for it in items:
            if it["list"] != "project":
                continue
            on = [m for m in held if it["id"] in m.get("topics", [])]
            if it["id"] in live and not any(
                    m["kind"] == "hearing" and _first(m["date"]) <= _last(it.get("since", day))
                    for m in on):
                out.add(("M002", it["id"]))
            if "until" in it:
                ended = datetime.date.fromisoformat(_last(it["until"]))
                if (datetime.date.fromisoformat(day) - ended).days > 180 and not any(
                        m["kind"] == "evaluation" for m in on):
                    out.add(("M003", it["id"]))
        # M004: a meeting on a day its territory or convener is certainly not in force
        for m in held:
            for ref in (m["territory"], m.get("convener")):
                r = byid.get(ref)
                if r and (("since" in r and _first(r["since"]) > _last(m["date"])) or
                          ("until" in r and _last(r["until"]) < _first(m["date"]))):
                    out.add(("M004", m["territory"]))
    return out


def expected_set():
    return {(r, s, t) if t else (r, s) for r, s, t, _ in EXPECTED_GAPS}


def check_gap_markers():
    """Every gap's subject carries attrs.gaps (for M004, the meeting on the subject)."""
    marked = {}
    for r in territories + units + items + people:
        for c in r.get("attrs", {}).get("gaps", []):
            marked.setdefault(c, set()).add(r["id"])
    for m in meetings:      # a meeting's marker stands for its territory (M004's subject)
        for c in m.get("attrs", {}).get("gaps", []):
            marked.setdefault(c, set()).add(m["territory"])
    for rule, subj, _, _ in EXPECTED_GAPS:
        if rule.startswith("A"):
            continue
        assert subj in marked.get(rule, set()), (rule, subj)


# --------------------------------------------------------------------------
# Output: one record per line
# --------------------------------------------------------------------------
META = {
    "name": "宝山区（样例） Baoshan district, Shanghai (sample)",
    "as_of": AS_OF,
    "synthetic": True,
    "real": ["31", "310113"] + [t.code for t in TS],
    "sources": ("Real: the territories 31 上海市, 310113 宝山区 and Baoshan's 13 township-level "
                "units (3 streets, 9 towns, 宝山工业园区) with their names and codes, from the "
                "National Bureau of Statistics 2023 统计用区划代码 (data/divisions/). "
                "Synthetic: everything else — communities, villages, grids, buildings, parks, "
                "every unit and its member counts, matter assignments, items and links. The "
                "structure follows docs of Shanghai practice (street reform '1+6', 1+2, five "
                "street powers, 双报到, duty lists) but no record describes a real organisation."),
    "notes": ("Generated by data/samples/make_baoshan.py (random.Random(2024)). Contains "
              "deliberate gaps for the audit; attrs.gaps marks their subject records and "
              "data/samples/README.md lists every expected finding."),
}


def dump(rec):
    return json.dumps(rec, ensure_ascii=False, separators=(", ", ": "))


def write(path):
    parts = ['{\n  "format": "tiaokuai/1",\n  "meta": ']
    parts.append("{\n" + ",\n".join(f"    {json.dumps(k)}: {dump(v)}" for k, v in META.items())
                 + "\n  }")
    for key, arr in [("territories", territories), ("units", units), ("matters", matters),
                     ("items", items), ("people", people), ("meetings", meetings),
                     ("links", links)]:
        parts.append(f',\n  "{key}": [\n')
        parts.append(",\n".join("    " + dump(r) for r in arr))
        parts.append("\n  ]")
    parts.append("\n}\n")
    text = "".join(parts)
    doc = json.loads(text)
    assert list(doc) == ["format", "meta", "territories", "units", "matters", "items", "people",
                         "meetings", "links"]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def _bounds(text):
    """First and last day of a YYYY, YYYY-MM or YYYY-MM-DD date, as ISO strings."""
    import calendar
    parts = [int(x) for x in text.split("-")]
    if len(parts) == 1:
        return f"{parts[0]:04d}-01-01", f"{parts[0]:04d}-12-31"
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return f"{parts[0]:04d}-{parts[1]:02d}-01", f"{parts[0]:04d}-{parts[1]:02d}-{last:02d}"
    return text, text


def in_force(rec, day):
    """In force or possibly in force on `day` (docs/format.md, "Views at a date")."""
    since = _bounds(rec["since"]) if "since" in rec else None
    until = _bounds(rec["until"]) if "until" in rec else None
    if since and until and until[1] < since[0]:
        return False
    return (since is None or since[0] <= day) and (until is None or day <= until[1])


def at(day):
    """Narrows the record lists to what is in force at `day`, the view the library reads
    at meta.as_of; returns a function that restores them."""
    saved = [(lst, list(lst)) for lst in (territories, units, matters, items, people, links)]
    for lst in (territories, units, matters, items, people):
        lst[:] = [r for r in lst if in_force(r, day)]
    ids = {r["id"] for r in territories + units + matters + items + people}
    links[:] = [ln for ln in links if in_force(ln, day) and ln["from"] in ids and ln["to"] in ids]

    def restore():
        for lst, items_ in saved:
            lst[:] = items_
    return restore


TIMELINE_RULES = ["C001", "C002", "C003", "S004", "A003", "A004", "L001", "P005", "M001"]


def timeline_table():
    """The reference audit's findings at each year end 2013-2023 and at AS_OF, as the
    markdown table in README.md ("The sample in time"); core/tests/time.rs checks the
    library's audit against it."""
    from collections import Counter
    rows = ["| date | findings | " + " | ".join(TIMELINE_RULES) + " |",
            "|---|---|" + "---|" * len(TIMELINE_RULES)]
    for day in [f"{y}-12-31" for y in range(2013, 2024)] + [AS_OF]:
        restore = at(day)
        found = reference_audit({r["id"]: r for r in territories + units + matters + items})
        restore()
        found |= reference_people_meetings(day)
        c = Counter(f[0] for f in found)
        rows.append(f"| {day} | {len(found)} | " + " | ".join(str(c[r]) for r in TIMELINE_RULES) + " |")
    return "\n".join(rows)


def main():
    byid = check_structure()
    restore = at(AS_OF)
    found = reference_audit({r["id"]: r for r in territories + units + matters + items})
    restore()
    found |= reference_people_meetings(AS_OF)
    want = expected_set()
    if found != want:
        sys.exit(f"audit mismatch:\n  unexpected: {sorted(found - want)}\n"
                 f"  missing:    {sorted(want - found)}")
    check_gap_markers()
    if "--timeline" in sys.argv:
        print(timeline_table())
        return
    if "--gaps" in sys.argv:
        print("| rule | subject | street/town | finding |\n|---|---|---|---|")
        for rule, subj, where, what in EXPECTED_GAPS:
            print(f"| {rule} | `{subj}` | {'`' + where + '`' if where else ''} | {what} |")
        return
    write(OUT)
    print(f"wrote {os.path.relpath(OUT)}: {len(territories)} territories, {len(units)} units, "
          f"{len(matters)} matters, {len(items)} items, {len(people)} people, {len(meetings)} meetings, "
          f"{len(links)} links; "
          f"{len(EXPECTED_GAPS)} expected findings")


if __name__ == "__main__":
    main()
