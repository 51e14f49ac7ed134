"""Fills in an inspector's workbook made by `rubric template --format xlsx`
the way a spreadsheet user would, with openpyxl (a reader and writer
independent of the tool), from a findings JSON file.

    python3 fill.py TEMPLATE.xlsx FINDINGS.json FILLED.xlsx EQUIVALENT.json [MODE]

Columns are found by the findings field their header names (`扣分次数 count`),
rows by their `item`/`clause`/`external`/`veto` ids. One row per clause: a
second finding for a row already filled is left out, and EQUIVALENT.json
lists exactly the findings written. MODE `formula` also types a formula that
no program has computed into one count cell (the tool must refuse it).
"""

import json
import sys

import openpyxl


def field(header):
    if not isinstance(header, str):
        return None
    words = header.replace("(", " ").replace(")", " ").split()
    return words[-1] if words else None


def main():
    template, findings_path, filled_path, equivalent_path = sys.argv[1:5]
    mode = sys.argv[5] if len(sys.argv) > 5 else ""
    book = openpyxl.load_workbook(template)
    with open(findings_path, encoding="utf-8") as f:
        document = json.load(f)
    rows = {}
    subject_cell = None
    for sheet in book.worksheets:
        if sheet.title == "_rubric":
            continue
        header = None
        for r in range(1, 21):
            names = [field(c.value) for c in sheet[r]]
            if "item" in names or "veto" in names:
                header = r
                cols = {n: i + 1 for i, n in enumerate(names) if n}
                break
        if header is None:
            continue
        for r in range(1, header):
            for c in sheet[r]:
                if field(c.value) == "subject" and subject_cell is None:
                    end = c.column
                    for merged in sheet.merged_cells.ranges:
                        if c.coordinate in merged:
                            end = merged.max_col
                    subject_cell = (sheet, r, end + 1)

        def get(r, name, sheet=sheet, cols=cols):
            if name not in cols:
                return ""
            value = sheet.cell(r, cols[name]).value
            return "" if value is None else str(value)

        for r in range(header + 1, sheet.max_row + 1):
            if get(r, "veto"):
                key = "veto " + get(r, "veto")
            else:
                key = "%s/%s/%s" % (get(r, "item"), get(r, "clause"), get(r, "external"))
            rows[key] = (sheet, r, cols)

    sheet, r, c = subject_cell
    sheet.cell(r, c).value = document.get("subject", "")
    kept = []
    used = set()
    amounts = 0
    for finding in document["findings"]:
        if "veto" in finding:
            key = "veto " + finding["veto"]
        else:
            key = "%s/%s/%s" % (
                finding.get("item", ""),
                finding.get("clause", ""),
                finding.get("external", ""),
            )
        if key in used:
            continue
        used.add(key)
        kept.append(finding)
        sheet, r, cols = rows[key]

        def put(name, value):
            sheet.cell(r, cols[name]).value = value

        found = "veto" in finding or (
            "clause" in finding
            and not any(k in finding for k in ("count", "entities", "amount", "value"))
        )
        if found:
            put("found", "是")
        for name, value in finding.items():
            if name == "count":
                put("count", int(value))
            elif name == "amount":
                amounts += 1
                # As people type it: full-width digits and 分, or a number stored as text.
                if amounts == 1:
                    text = str(value).translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
                    put("amount", text + "分")
                else:
                    put("amount", str(value))
            elif name == "score":
                put("score", float(value))
            elif name == "value":
                put("value", str(value))
            elif name in ("entities", "evidence"):
                put(name, "\n".join(value))
            elif name == "not_applicable":
                put("not_applicable", "是" if value else "否")
            elif name in ("reason", "note"):
                put(name, value)
    # Externals the findings do not score: clear the preset full score.
    for key, (sheet, r, cols) in rows.items():
        parts = key.split("/")
        if len(parts) == 3 and parts[2] and key not in used:
            sheet.cell(r, cols["score"]).value = None
    if mode == "formula":
        sheet, r, cols = rows["1/c/"]
        sheet.cell(r, cols["count"]).value = "=1+1"
    book.save(filled_path)
    with open(equivalent_path, "w", encoding="utf-8") as f:
        json.dump({"subject": document.get("subject", ""), "findings": kept}, f, ensure_ascii=False)


main()
