"""Reads every workbook the tool writes with openpyxl and checks what an
office relies on: headers, protection, frozen panes, the hidden rubric sheet,
data validation, A4 print setup with repeated header rows.

    python3 read_all.py TEMPLATE.xlsx CHECKLIST.xlsx REPORT.xlsx
"""

import sys

import openpyxl


def check(condition, message):
    if not condition:
        print("FAILED: " + message)
        sys.exit(1)


def texts(sheet):
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


template_path, checklist_path, report_path = sys.argv[1:4]

book = openpyxl.load_workbook(template_path)
items = book["评分"]
headers = [c.value for c in items[4]]
for header in ("项目 item", "条款 clause", "外部评分 external", "扣分次数 count",
               "单位或人员名称 entities", "酌情扣分 amount", "实测值 value", "得分 score",
               "不适用 not_applicable", "不适用理由 reason", "备注 note", "证据 evidence"):
    check(header in headers, "template header %r in %r" % (header, headers))
check(items.protection.sheet, "the items sheet is protected")
check(items.freeze_panes == "A5", "the header is frozen: %r" % items.freeze_panes)
check(len(items.data_validations.dataValidation) > 100, "input cells are validated")
check(items.page_setup.paperSize in (9, "9"), "A4")
check(book["_rubric"].sheet_state == "hidden", "the rubric sheet is hidden")
meta = {r[0].value: r[1].value for r in book["_rubric"].iter_rows()}
check(meta["title"].startswith("临泽县2023年度"), "the rubric's title: %r" % meta)
check(len(meta["fingerprint"]) == 16, "a fingerprint")
check("未组织学习党的二十大报告关于应急管理、安全生产有关内容的" in texts(items), "clause text")
check(items["K5"].protection.locked is False, "input cells are open")
check(items["F5"].protection.locked is not False, "rubric cells are locked")
check("减分项" in book.sheetnames and "否决项" in book.sheetnames, "penalties and vetoes sheets")

book = openpyxl.load_workbook(checklist_path)
sheet = book["评分表"]
all_text = "".join(texts(sheet))
for words in ("小计", "合计", "扣分", "得分", "责任单位", "检查人（签字）", "被检查单位负责人（签字）", "日期"):
    check(words in all_text, "checklist has %r" % words)
check(sheet.page_setup.paperSize in (9, "9"), "checklist on A4")
check(str(sheet.print_title_rows).replace("$", "") == "3:3", "header row repeated: %r" % sheet.print_title_rows)

book = openpyxl.load_workbook(report_path)
for name in ("汇总", "项目", "扣分明细", "否决项", "责任单位失分"):
    check(name in book.sheetnames, "report sheet %r in %r" % (name, book.sheetnames))
summary = {r[0].value: r[1].value for r in book["汇总"].iter_rows()}
check(summary["得分 score"] == "317.34", "report score: %r" % summary)
check(summary["被检查对象 subject"] == "临泽县", "report subject")
print("openpyxl read every workbook")
