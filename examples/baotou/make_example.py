"""Writes the bundled 包头市 example repository (examples/baotou).

Authoring aid only: the files it writes are committed, and neither qingdan nor its tests run
this script. Run: `pip install openpyxl && python3 examples/baotou/make_example.py`.
Division codes are real (统计用区划代码 2023); item data, agencies and credit codes are
made up, with valid GB 32100-2015 check characters except where a defect is intended.
"""
import csv, os
from openpyxl import Workbook
from openpyxl.styles import Alignment

HERE = os.path.dirname(os.path.abspath(__file__))
CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

def credit(region6, serial):
    body = "11" + region6 + "%09d" % serial
    s = sum(CHARS.index(c) * w for c, w in zip(body, W))
    return body + CHARS[(31 - s % 31) % 31]

BASE = [
    ("000201001000", "食品经营许可", "行政许可", "《中华人民共和国食品安全法》第三十五条", "市场监督管理局", "市级、县级"),
    ("001104001000", "最低生活保障对象认定", "行政确认", "《社会救助暂行办法》第十一条", "民政局", "县级、乡级"),
    ("001104002000", "临时救助对象认定", "行政给付", "《社会救助暂行办法》第四十七条", "民政局", "县级、乡级"),
    ("002304001000", "建筑工程施工许可", "行政许可", "《中华人民共和国建筑法》第七条", "住房和城乡建设局", "市级、县级"),
    ("001201001000", "老年人优待证办理", "公共服务", "《中华人民共和国老年人权益保障法》第五十七条", "民政局", "县级、乡级、村级"),
    ("003001001000", "居民居住证明开具", "公共服务", "《居住证暂行条例》第九条", "公安局", "乡级、村级"),
    ("000101001000", "社会团体成立登记", "行政许可", "《社会团体登记管理条例》第三条", "民政局", "市级"),
]
BY = {b[0]: b for b in BASE}

MATERIALS = {
    "000201001000": "1.食品经营许可申请书（原件1份）；2.营业执照复印件1份；3.法定代表人身份证明（复印件1份）；4.食品安全管理制度文本（原件1份）",
    "001104001000": "1.最低生活保障申请书（原件1份）；2.户口簿（复印件1份）；3.家庭经济状况核对授权书（原件1份）",
    "001104002000": "1.临时救助申请书（原件1份）；2.身份证（复印件1份）",
    "002304001000": "1.建筑工程施工许可证申请表（原件1份）；2.建设工程规划许可证（复印件1份）；3.施工合同（复印件1份）",
    "001201001000": "1.身份证（原件1份）；2.近期免冠照片1张",
    "003001001000": "1.身份证（原件1份）；2.户口簿（复印件1份）",
    "000101001000": "1.成立登记申请书（原件1份）；2.章程草案（原件1份）；3.验资报告（原件1份）",
}
CONDITIONS = {
    "000201001000": "申请人应当具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，并符合《中华人民共和国食品安全法》第三十三条规定的条件。",
    "001104001000": "持有本地户籍，共同生活的家庭成员人均收入低于当地最低生活保障标准，且家庭财产状况符合规定。",
    "001104002000": "因火灾、交通事故等意外事件或家庭成员突发重大疾病等原因，导致基本生活暂时出现严重困难的家庭或个人。",
    "002304001000": "已经办理该建筑工程用地批准手续；依法应当办理建设工程规划许可证的，已经取得建设工程规划许可证；有满足施工需要的资金安排、施工图纸及技术资料。",
    "001201001000": "年满60周岁的本市常住老年人。",
    "003001001000": "在本辖区居住的居民。",
    "000101001000": "有50个以上的个人会员或者30个以上的单位会员；有规范的名称和相应的组织机构；有固定的住所。",
}
LIMITS = {  # (法定, 承诺, 办件类型)
    "000201001000": ("20个工作日", "5个工作日", "承诺件"),
    "001104001000": ("30个工作日", "20个工作日", "承诺件"),
    "001104002000": ("15个工作日", "10个工作日", "承诺件"),
    "002304001000": ("15日", "7日", "承诺件"),
    "001201001000": ("即办", "即办", "即办件"),
    "003001001000": ("即办", "即办", "即办件"),
    "000101001000": ("60日", "20日", "承诺件"),
}

HEADERS = ["序号", "事项名称", "基本编码", "实施编码", "事项类型", "主管部门", "实施机关", "实施主体编码", "设定依据",
           "行使层级", "行政区划代码", "服务对象", "受理条件", "办理流程", "申报材料", "法定办结时限", "承诺办结时限",
           "是否收费", "收费依据", "收费标准", "咨询电话", "监督投诉电话", "是否进驻政务服务中心", "是否一窗受理",
           "网上办理深度", "网办地址", "是否掌上办", "到办事现场次数", "办件类型", "是否支持物流快递", "通办范围",
           "是否免证办", "是否告知承诺", "是否容缺受理", "备注"]

def item(code, division, level, agency, region_serial, **over):
    b = BY[code]
    statutory, promised, kind = LIMITS[code]
    cc = credit(division[:6], region_serial)
    row = {
        "事项名称": b[1], "基本编码": code, "实施编码": f"{code}-{division}-000-{cc}-1-00", "事项类型": b[2],
        "主管部门": b[4], "实施机关": agency, "实施主体编码": cc, "设定依据": b[3], "行使层级": level,
        "行政区划代码": division, "服务对象": "自然人" if code.startswith(("0011", "0012", "0030")) else "企业法人^自然人",
        "受理条件": CONDITIONS[code], "办理流程": "1.申请；2.受理；3.审查；4.决定；5.送达。", "申报材料": MATERIALS[code],
        "法定办结时限": statutory, "承诺办结时限": promised, "是否收费": "否", "收费依据": "", "收费标准": "",
        "咨询电话": "0472-4190000", "监督投诉电话": "12345", "是否进驻政务服务中心": "是", "是否一窗受理": "是",
        "网上办理深度": "Ⅳ" if kind == "即办件" else "Ⅲ", "网办地址": "https://zwfw.nmg.gov.cn/",
        "是否掌上办": "是", "到办事现场次数": "1次", "办件类型": kind, "是否支持物流快递": "否", "通办范围": "全市通办",
        "是否免证办": "否", "是否告知承诺": "否", "是否容缺受理": "否", "备注": "",
    }
    row.update(over)
    return row

def rows_of(items):
    return [[i + 1] + [it[h] for h in HEADERS[1:]] for i, it in enumerate(items)]

# --- 基本目录 ------------------------------------------------------------------------
wb = Workbook(); ws = wb.active; ws.title = "基本目录"
ws.append(["包头市政务服务事项基本目录（2022年版）"]); ws.merge_cells("A1:F1")
ws.append(["基本编码", "事项名称", "事项类型", "设定依据", "主管部门", "行使层级"])
for b in BASE:
    ws.append(list(b))
wb.save(os.path.join(HERE, "基本目录.xlsx"))

# --- 市本级 (csv, UTF-8 with BOM) -------------------------------------------------------
city = [
    item("000201001000", "150200000000", "市级", "包头市市场监督管理局", 11),
    item("002304001000", "150200000000", "市级", "包头市住房和城乡建设局", 12),
    item("000101001000", "150200000000", "市级", "包头市民政局", 13),
]

def write_csv(path, items, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f); w.writerow(HEADERS); w.writerows(rows_of(items))

os.makedirs(os.path.join(HERE, "市本级"), exist_ok=True)
write_csv(os.path.join(HERE, "市本级", "包头市本级实施清单.csv"), city)

# --- 东河区 (xlsx: title rows, two-row 办结时限 header, codes as numbers, 注 row) --------------
dh = [
    item("000201001000", "150202000000", "县级", "东河区市场监督管理局", 21,
         实施主体编码=credit("150202", 21)[:-1] + "A"),  # QD101: wrong check character
    item("001104001000", "150202000000", "县级", "东河区民政局", 22),
    item("001104002000", "150202000000", "县级", "东河区民政局", 22,
         承诺办结时限="20个工作日"),  # QD104: promised longer than statutory
    item("002304001000", "150202000000", "县级", "东河区住房和城乡建设局", 23,
         是否收费="是"),  # QD107: fee without basis and standard
    item("001201001000", "150202000000", "县级", "东河区民政局", 22,
         承诺办结时限="3个工作日"),  # QD106: 即办件 with a promised limit
]
wb = Workbook(); ws = wb.active; ws.title = "实施清单"
ws.append(["东河区政务服务事项实施清单（2022年版）"]); ws.merge_cells("A1:J1")
ws.append([])
top = HEADERS[:15] + ["办结时限", ""] + HEADERS[17:]
sub = [""] * 15 + ["法定", "承诺"] + [""] * (len(HEADERS) - 17)
ws.append(top); ws.append(sub)
ws.merge_cells(start_row=3, start_column=16, end_row=3, end_column=17)
for r in rows_of(dh):
    r[10] = int(r[10])  # 行政区划代码 stored as a number, as Excel users do
    ws.append(r)
ws.append([]); ws.append(["注：本清单由东河区行政审批和政务服务局汇总。"])
for row in ws.iter_rows(min_row=5, max_row=9):
    for c in row:
        c.alignment = Alignment(wrap_text=True)
wb.save(os.path.join(HERE, "东河区.xlsx"))

# --- 昆都仑区 (csv, GB18030, full-width digits, 实施机关 synonym) ------------------------------
kdl = [
    item("000201001000", "150203000000", "县级", "昆都仑区市场监督管理局", 31, 法定办结时限="二十个工作日", 行政区划代码="１５０２０３"),
    item("001104001000", "150203000000", "县级", "昆都仑区民政局", 32),
    item("001104002000", "150203000000", "县级", "昆都仑区民政局", 32, 网办地址=""),  # QD108
    item("002304001000", "150203000000", "县级", "昆都仑区住房和城乡建设局", 33, 到办事现场次数="0次"),  # QD109
    item("001201001000", "150203000000", "县级", "昆都仑区民政局", 32),
]
write_csv(os.path.join(HERE, "昆都仑区.csv"), kdl, encoding="gb18030")

# --- 青山区 (csv UTF-8 without BOM; materials drift, name drift, unsourced item) --------------
qs = [
    item("000201001000", "150204000000", "县级", "青山区市场监督管理局", 41, 事项名称="食品经营许可证核发"),  # QD202
    item("001104001000", "150204000000", "县级", "青山区民政局", 42,
         申报材料="1.最低生活保障申请书（原件1份）；2.户口簿（复印件1份）；3.家庭经济状况核对授权书（原件1份）；4.收入证明（原件1份）"),  # QD205
    item("001104002000", "150204000000", "县级", "青山区民政局", 42),
    item("002304001000", "150204000000", "县级", "青山区住房和城乡建设局", 43),
    item("001201001000", "150204000000", "县级", "青山区民政局", 42, 申报材料="1.身份证（原件1份）；2.身份证（复印件1份）"),  # QD110
    item("001201001000", "150204000000", "县级", "青山区民政局", 42, 基本编码="009999001000", 事项名称="青山区特色事项",
         实施编码="009999001000-150204000000-000-1-00"),  # QD201 unsourced
]
write_csv(os.path.join(HERE, "青山区.csv"), qs, encoding="utf-8")

# --- 九原区 (xlsx with a separate 申请材料 sheet; 临时救助 not claimed -> QD204) ---------------
jy = [
    item("000201001000", "150207000000", "县级", "九原区市场监督管理局", 71, 基本编码="2.01001E+11"),  # QD011: digits lost
    item("001104001000", "150207000000", "县级", "九原区民政局", 72, 申报材料=""),
    item("002304001000", "150207000000", "县级", "九原区住房和城乡建设局", 73, 法定办结时限="按规定时限"),  # QD010
    item("001201001000", "150207000000", "县级", "九原区民政局", 72, 行使层级="市级"),  # QD102 + QD203
]
wb = Workbook(); ws = wb.active; ws.title = "实施清单"
ws.append(HEADERS)
for r in rows_of(jy):
    ws.append(r)
m = wb.create_sheet("申请材料")
m.append(["实施编码", "材料名称", "来源渠道", "原件份数", "复印件份数", "材料形式", "是否必要"])
impl = jy[1]["实施编码"]
for name, src, o, c in [("最低生活保障申请书", "申请人自备", 1, 0), ("户口簿", "政府部门核发", 0, 1), ("家庭经济状况核对授权书", "申请人自备", 1, 0)]:
    m.append([impl, name, src, o, c, "纸质", "是"])
wb.save(os.path.join(HERE, "九原区.xlsx"))

# --- 和平路街道 (乡级) and 一个社区 (村级) --------------------------------------------------------
os.makedirs(os.path.join(HERE, "东河区"), exist_ok=True)
hp = [
    item("001104001000", "150202001000", "乡级", "和平路街道办事处", 201),
    item("001201001000", "150202001000", "乡级", "和平路街道办事处", 201),
    item("003001001000", "150202001000", "乡级", "和平路街道办事处", 201,
         实施编码=jy[1]["实施编码"]),  # QD206: an implementation code already used by 九原区
]
write_csv(os.path.join(HERE, "东河区", "和平路街道.csv"), hp)
sq = [
    item("001201001000", "150202001001", "村级", "和平路街道第一社区居民委员会", 301,
         实施主体编码="083372204"),  # QD101: a bare 9-character organization code
]
write_csv(os.path.join(HERE, "东河区", "和平路街道第一社区.csv"), sq)
# --- 办事指南 (form layout): labels down column A, values merged B:D ------------------------
def guide(ws, it, promised=None):
    ws.merge_cells("A1:D1"); ws["A1"] = f"{it['事项名称']}办事指南"
    rows = [("事项名称", it["事项名称"]), ("基本编码", it["基本编码"]), ("实施编码", it["实施编码"]), ("事项类型", it["事项类型"]),
            ("主管部门", it["主管部门"]), ("实施主体", it["实施机关"]), ("实施主体编码", it["实施主体编码"]),
            ("设定依据", it["设定依据"]), ("行使层级", it["行使层级"]), ("行政区划代码", it["行政区划代码"]),
            ("服务对象", it["服务对象"]), ("受理条件", it["受理条件"]), ("办理流程", it["办理流程"].replace("；", "\n"))]
    r = 2
    for label, value in rows:
        ws.cell(r, 1, label + "："); ws.cell(r, 2, value); ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4); r += 1
    ws.cell(r, 1, "办结时限"); ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    ws.cell(r, 2, "法定"); ws.cell(r, 3, it["法定办结时限"]); ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=4)
    ws.cell(r + 1, 2, "承诺"); ws.cell(r + 1, 3, promised or it["承诺办结时限"]); ws.merge_cells(start_row=r + 1, start_column=3, end_row=r + 1, end_column=4)
    r += 2
    for label, key in [("是否收费", "是否收费"), ("咨询电话", "咨询电话"), ("监督投诉电话", "监督投诉电话"), ("办件类型", "办件类型")]:
        ws.cell(r, 1, label); ws.cell(r, 2, it[key]); ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4); r += 1
    ws.cell(r, 1, "申请材料"); r += 1
    for c, h in enumerate(["材料名称", "来源渠道", "原件份数", "复印件份数"], 1):
        ws.cell(r, c, h)
    r += 1
    for part in it["申报材料"].split("；"):
        name = part.split(".", 1)[1].split("（")[0]
        orig = 1 if "原件" in part else 0
        ws.cell(r, 1, name); ws.cell(r, 2, "申请人自备"); ws.cell(r, 3, orig); ws.cell(r, 4, 1 - orig); r += 1
    for row in ws.iter_rows():
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 16; ws.column_dimensions["B"].width = 30

os.makedirs(os.path.join(HERE, "办事指南"), exist_ok=True)
wb = Workbook(); ws = wb.active; ws.title = "最低生活保障对象认定"
guide(ws, dh[1], promised="15个工作日")  # QD207: the list (东河区.xlsx) promises 20个工作日
ws = wb.create_sheet("老年人优待证办理")
guide(ws, item("001201001000", "150202000000", "县级", "东河区民政局", 22))
wb.save(os.path.join(HERE, "办事指南", "东河区-办事指南.xlsx"))
print("written")
