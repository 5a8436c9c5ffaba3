"""The graded search set: queries with judged answers, and the evaluator that scores the real worker.

tests/search-graded.yml holds the judgements, written before the ranking was tuned: for each query
the article a reader wants (grade 3) and the other relevant ones (grade 1). Two archives:
- `sample`: the repository's docs/, as the build indexes it (the session's sample site);
- `generated`: GENERATED below, a small archive made for the shapes the sample lacks: an old article
  that IS about a subject among newer reports that mention it once, a phrase beside its characters
  scattered, a title equal to the query, numbers with units beside the same numbers and units apart.

The evaluator runs the search worker file unchanged under Node (tests/search_contract.js) on the index
files the build wrote (or that index.py writes for GENERATED) and computes nDCG@10, MRR and hit@1.
Shared by tests/test_search_ranking.py and bench/search.py.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from township_archive.search.index import SearchDocument

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "overrides/assets/javascripts/workers/archive-search.js"
RUNNER = Path(__file__).with_name("search_contract.js")
GRADED = Path(__file__).with_name("search-graded.yml")
WANTED, RELEVANT = 3, 1
CUTOFF = 10


@dataclass(frozen=True)
class Judged:
    archive: str  # "sample" or "generated"
    shape: str
    text: str
    wanted: str  # site path of the article a reader wants first
    relevant: tuple[str, ...] = ()

    def grade(self, path: str) -> int:
        return WANTED if path == self.wanted else RELEVANT if path in self.relevant else 0


def load_graded(path: Path = GRADED) -> list[Judged]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    judged = []
    for archive, shapes in data.items():
        for shape, items in shapes.items():
            for item in items:
                judged.append(Judged(archive, shape, str(item["q"]), item["want"], tuple(item.get("also", ()))))
    return judged


# --- metrics -------------------------------------------------------------------------------------


def dcg(grades: Iterable[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades))


def ndcg(query: Judged, results: list[str], cutoff: int = CUTOFF) -> float:
    ideal = dcg(sorted([WANTED] + [RELEVANT] * len(set(query.relevant) - {query.wanted}), reverse=True)[:cutoff])
    return dcg(query.grade(path) for path in results[:cutoff]) / ideal


def reciprocal_rank(query: Judged, results: list[str]) -> float:
    return 1 / (results.index(query.wanted) + 1) if query.wanted in results else 0.0


@dataclass(frozen=True)
class Figures:
    queries: int
    ndcg: float
    mrr: float
    hit1: float

    def row(self) -> str:
        return f"{self.queries} | {self.ndcg:.3f} | {self.mrr:.3f} | {self.hit1:.3f}"


def figures(results: dict[Judged, list[str]]) -> Figures:
    n = len(results) or 1
    return Figures(
        len(results),
        sum(ndcg(q, r) for q, r in results.items()) / n,
        sum(reciprocal_rank(q, r) for q, r in results.items()) / n,
        sum(bool(r) and r[0] == q.wanted for q, r in results.items()) / n,
    )


def misranked(results: dict[Judged, list[str]]) -> list[str]:
    return [
        f"{q.archive}/{q.shape} {q.text!r}: 想要 {q.wanted}，排第 {r.index(q.wanted) + 1 if q.wanted in r else '—'}；前三 {r[:3]}"
        for q, r in results.items()
        if not r or r[0] != q.wanted
    ]


# --- running the worker --------------------------------------------------------------------------


def site_index(site: Path) -> tuple[dict, dict[str, str]]:
    """The manifest Material's index carries and every file under search/<version>/ of a built site."""
    manifest = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["config"]["archive"]
    folder = site / "search" / manifest["version"]
    files = {f"{manifest['version']}/{p.relative_to(folder).as_posix()}": p.read_text(encoding="utf-8") for p in folder.rglob("*.js")}
    return manifest, files


def worker_results(manifest: dict, files: dict[str, str], queries: list[str], worker: Path = WORKER) -> list[list[str]]:
    """Each query sent to the worker as Material's page sends it; the result addresses, best first."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH")
    payload = json.dumps({"worker": str(worker), "manifest": manifest, "files": files, "searches": queries})
    done = subprocess.run([node, str(RUNNER)], input=payload, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the worker did not run under Node:\n{done.stderr}")
    return [[location for location, _score in items] for items in json.loads(done.stdout)["searches"]]


def evaluate(manifest: dict, files: dict[str, str], queries: list[Judged], worker: Path = WORKER) -> dict[Judged, list[str]]:
    answers = worker_results(manifest, files, [q.text for q in queries], worker)
    return dict(zip(queries, answers, strict=True))


# --- the generated archive -----------------------------------------------------------------------
# Sentences in the manner of township reports (written for this set, from /work/shared/facts-quzhang.md's
# subjects); the filler every article is made of. None holds a planted subject below.
FILLER = [
    "乡党委召开专题会议，研究部署下一阶段的重点工作。",
    "各村党支部书记结合本村实际，逐项汇报了工作进展。",
    "会议要求各部门压实责任，确保各项任务按时完成。",
    "驻村工作队深入农户家中，面对面听取群众意见。",
    "志愿者们清理村道垃圾，整治房前屋后的环境卫生。",
    "乡卫生院组织医生下村，为群众开展免费健康体检。",
    "今年以来，全乡新修村道多条，群众出行更加方便。",
    "村民代表大会讨论通过了村规民约的修订稿。",
    "乡综合文化站开放阅览室，周末也有不少学生前来看书。",
    "农技人员在田间地头讲解病虫害防治知识。",
    "乡里组织党员干部到先进乡镇参观学习。",
    "各村设立便民服务点，群众办事不出村。",
    "春节前夕，乡领导走访慰问困难群众和老党员。",
    "学校开展安全教育活动，提醒学生注意防溺水。",
    "村里的篮球场改造完成，傍晚常有年轻人在这里打球。",
    "合作社与收购商签订协议，农产品销路有了保障。",
    "乡里举办技能培训班，帮助外出务工人员提升本领。",
    "工作人员逐户核对信息，确保政策落实到每一户。",
    "雨季到来之前，各村排查山塘水库的安全隐患。",
    "乡里评选表彰了一批先进个人和先进集体。",
]
SECTIONS = {"dangjian": "党建成果", "kejia-wenhua": "客家文化", "jiaoyu-jidi": "陈铭枢爱国主义教育基地", "rongyu-mingcun": "荣誉名村"}


@dataclass(frozen=True)
class Article:
    slug: str
    section: str
    title: str
    date: str
    tags: tuple[str, ...]
    body: str

    @property
    def url(self) -> str:
        return f"{self.section}/{self.slug}/"


def _filler(rng: random.Random, count: int) -> list[str]:
    return [rng.choice(FILLER) for _ in range(count)]


def _mention(rng: random.Random, sentence: str, count: int = 10) -> str:
    """A report of `count` filler sentences with `sentence` once, somewhere in the middle."""
    parts = _filler(rng, count)
    parts.insert(rng.randint(2, count - 2), sentence)
    return "".join(parts)


def generated_articles() -> list[Article]:
    """About 200 articles, 2012–2025; the planted subjects of search-graded.yml among filler reports."""
    rng = random.Random(20)
    articles: list[Article] = []

    def add(slug, section, title, date, body, tags=()):
        articles.append(Article(slug, section, title, date, tuple(tags), body))

    # Old articles about a subject, and newer reports that mention it once (the shape the issue reports).
    add("kejiahua", "kejia-wenhua", "曲樟人的乡音：客家话（示例）", "2013-05-10",
        "客家话是曲樟乡大多数人的母语。" + "".join(_filler(rng, 3)) + "老人说，客家话保留了不少古汉语的读音。"
        + "村里的孩子在家说客家话，在学校说普通话。" + "".join(_filler(rng, 2)) + "乡文化站收集整理客家话的歌谣和俗语。",
        tags=("客家文化", "方言"))
    add("chen-mingshu-zhuanlue", "jiaoyu-jidi", "陈铭枢将军传略（示例）", "2012-09-01",
        "陈铭枢生于1889年，是曲樟乡人。" + "青年陈铭枢投身辛亥革命。" + "".join(_filler(rng, 2))
        + "1932年，陈铭枢所部十九路军在上海奋起抗敌。" + "晚年的陈铭枢参与创建中国国民党革命委员会。",
        tags=("陈铭枢", "人物"))
    add("weiwu-diaocha", "kejia-wenhua", "曲樟客家围屋调查记（示例）", "2014-11-20",
        "围屋是客家人聚族而居的大屋。" + "调查组走访了乡里现存的几座围屋，记录围屋的布局和墙体。"
        + "".join(_filler(rng, 2)) + "一座围屋往往住着同姓的几十户人家。" + "保护围屋需要资金，也需要村民的参与。",
        tags=("客家民居", "客家文化"))
    add("jizui-lizhi-lishi", "rongyu-mingcun", "鸡嘴荔枝的种植历史（示例）", "2015-06-18",
        "鸡嘴荔枝因果形像鸡嘴而得名。" + "曲樟种植鸡嘴荔枝已有很长的历史。" + "".join(_filler(rng, 2))
        + "鸡嘴荔枝肉厚核小，成熟期比一般品种晚。" + "如今鸡嘴荔枝已成为全乡的主导产业。",
        tags=("鸡嘴荔枝", "产业发展"))
    add("shijiulujun", "jiaoyu-jidi", "十九路军与淞沪抗战（示例）", "2013-01-28",
        "1932年1月28日，日军进攻上海，十九路军奋起抵抗。" + "".join(_filler(rng, 2))
        + "十九路军官兵在闸北一带坚守阵地。" + "淞沪抗战中十九路军的事迹传遍全国。",
        tags=("十九路军", "淞沪抗战"))
    add("hongse-daipao", "dangjian", "党员当起“红色代跑员”（示例）", "2016-04-12",
        "红色代跑员由党员担任，替群众跑腿办事。" + "".join(_filler(rng, 2)) + "红色代跑员帮老人买药、陪独居老人看病。"
        + "一年下来，红色代跑员跑腿数百次。",
        tags=("党员先锋", "民生服务"))
    mentions = [
        "乡里在会上提到，要做好客家话歌谣的整理工作。", "活动现场，主持人用客家话向来宾问好。",
        "会上播放了陈铭枢故居的介绍短片。", "参观者在陈铭枢塑像前献上花篮。", "学生们参观了陈铭枢纪念馆。",
        "游客顺路参观了村里的围屋。", "村口的围屋前新修了停车场。",
        "合作社的鸡嘴荔枝今年卖出了好价钱。", "果园里的鸡嘴荔枝挂满枝头。",
        "讲解员讲述了十九路军的抗战故事。", "展板介绍了十九路军在上海的战斗经过。",
        "红色代跑员又一次把药送到老人家中。", "乡里表扬了几名红色代跑员。",
    ]
    for n, sentence in enumerate(mentions * 2):
        year = 2018 + n % 8
        add(f"jianxun-{n:02d}", "dangjian", f"曲樟乡工作简讯第{n + 1}期（示例）", f"{year}-{1 + n % 12:02d}-{10 + n % 18:02d}",
            _mention(rng, sentence), tags=("工作动态",))
    # Newer articles with the subject's name in a longer title: relevant, not the one wanted.
    add("chen-mingshu-jinian", "jiaoyu-jidi", "纪念陈铭枢诞辰135周年座谈会召开（示例）", "2024-05-15",
        _mention(rng, "与会人员回顾了陈铭枢的生平事迹。"), tags=("陈铭枢", "爱国主义教育"))
    add("kejiahua-bisai", "kejia-wenhua", "少儿客家话讲故事比赛举行（示例）", "2023-08-02",
        _mention(rng, "二十多名孩子用客家话讲述家乡故事。"), tags=("客家文化",))

    # A phrase beside its characters scattered: the phrase once, the scattered forms newer and often.
    add("xiangfeng-wenming", "dangjian", "新时代文明实践站开放（示例）", "2016-03-05",
        _mention(rng, "实践站把乡风文明建设作为重点，定期开展志愿服务。"), tags=("文明实践",))
    for n in range(6):
        add(f"jiafeng-{n}", "dangjian", f"家风故事会第{n + 1}场（示例）", f"{2019 + n}-06-01",
            _mention(rng, "这里乡风淳朴，好家风文化代代相传，村民讲文明、树新风。"), tags=("家风建设",))
    add("laonian-huodong", "dangjian", "村里建起老年人活动中心（示例）", "2015-10-09",
        _mention(rng, "新建的老年人活动中心有棋牌室和阅览室。"), tags=("民生服务",))
    for n in range(5):
        add(f"chongyang-{n}", "dangjian", f"重阳节敬老活动第{n + 1}届（示例）", f"{2020 + n}-10-20",
            _mention(rng, "老年人参加文艺活动，乡卫生院服务中心的医生为老人量血压。"), tags=("敬老",))

    # A title equal to the query, older than longer titles that contain it.
    add("jiafeng-gushi", "kejia-wenhua", "家风故事", "2014-02-01", _mention(rng, "本文收录了曲樟乡几户人家的家风故事。"), tags=("家风建设",))
    add("yifeng-yisu", "kejia-wenhua", "喜事新办见新风（示例）", "2015-09-09",
        _mention(rng, "村里红白理事会提倡节俭办酒，喜事新办。"), tags=("移风易俗",))
    for n in range(4):
        add(f"yifeng-{n}", "dangjian", f"村规民约修订纪要第{n + 1}号（示例）", f"{2021 + n}-03-03",
            _mention(rng, "修订后的村规民约加入了移风易俗的条款。"), tags=("工作动态",))

    # Numbers with units beside the same numbers and units apart, in newer reports.
    add("banqian-46hu", "rongyu-mingcun", "双庄新村落成（示例）", "2016-12-01",
        _mention(rng, "新村共安置46户村民，户户通水通电。"), tags=("人居环境",))
    add("hongganzhongxin", "dangjian", "粮食烘干中心投入使用（示例）", "2017-08-15",
        _mention(rng, "烘干中心日处理稻谷60吨，解决了晒谷难的问题。"), tags=("产业发展",))
    add("jiangbu-300wan", "rongyu-mingcun", "示范村获公益事业奖补（示例）", "2016-07-07",
        _mention(rng, "该村获得财政奖补资金300万元，用于修建村道和灌溉水渠。"), tags=("财政奖补",))
    add("chubeilin", "dangjian", "国家储备林项目规划（示例）", "2017-03-12",
        _mention(rng, "项目规划建设国家储备林1.5万亩，目前正在推进土地流转。"), tags=("产业发展",))
    distractors = [
        "当天共有46名党员参加了学习，会后走访了困难户。",
        "乡里为60名老人送去慰问品，合作社今年收购稻谷近百吨。",
        "活动吸引了300名群众参加，全年投入资金约五十万元。",
        "村道全长1.5公里，沿线种植果树上万亩。",
        "今年全乡共修复水渠46处，涉及农户上百户。",
        "培训班共有60人结业，学员人均增收二千元，运输车载重十吨。",
    ]
    for n, sentence in enumerate(distractors * 2):
        add(f"tongji-{n:02d}", "dangjian", f"曲樟乡工作统计第{n + 1}期（示例）", f"{2020 + n % 6}-09-{10 + n:02d}",
            _mention(rng, sentence), tags=("工作动态",))

    # Filler reports to give document frequencies their weight.
    for n in range(120):
        section = rng.choice(sorted(SECTIONS))
        add(f"baodao-{n:03d}", section, f"{rng.choice(['乡村', '党建', '民生', '文化'])}工作报道第{n + 1}篇（示例）",
            f"{2012 + n % 14}-{1 + n % 12:02d}-{1 + n % 28:02d}", "".join(_filler(rng, rng.randint(6, 16))), tags=("工作动态",))
    return articles


def generated_documents() -> list[SearchDocument]:
    """GENERATED as the plan describes its articles to search (section pages included)."""
    documents = [
        SearchDocument(
            url=a.url, title=a.title, text=a.body, section=SECTIONS[a.section], date=a.date,
            date_label=f"{int(a.date[:4])}年{int(a.date[5:7])}月{int(a.date[8:])}日", tags=a.tags,
        )
        for a in generated_articles()
    ]
    documents += [SearchDocument(url=f"{slug}/", title=title, text="") for slug, title in SECTIONS.items()]
    return documents


def write_generated(docs: Path) -> None:
    """GENERATED as Markdown articles in `docs` (for building it as a site with and without our search)."""
    for a in generated_articles():
        folder = docs / a.section
        folder.mkdir(parents=True, exist_ok=True)
        tags = "".join(f"- {t}\n" for t in a.tags)
        (folder / f"{a.slug}.md").write_text(
            f"---\ntitle: {a.title}\nslug: {a.slug}\nstatus: published\ndate: {a.date} 09:00\n"
            f"authors:\n- 示例作者\neditor: 示例编辑\ntags:\n{tags}---\n\n{a.body}\n",
            encoding="utf-8",
        )
