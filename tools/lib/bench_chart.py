#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tools/bench --chart: a bar chart of exit costs as a PNG, with Python's standard library only.

usage: bench_chart.py OUTPUT.png TITLE SUBTITLE FOOTNOTE < ROWS

ROWS are tab-separated lines `group<TAB>series<TAB>label<TAB>value`: one bar each, grouped by
`group` in order of first appearance, coloured by `series` (halyard, native, bao, xvisor, kvm,
kvmtool; anything else is grey), labelled `label`; `value` is a number, or anything else (n/a)
for a bar that was not measured, which is drawn as its label and the text.

The PNG is written here (zlib + struct, 8-bit RGB) with a built-in 5x7 bitmap font, so that
tools/bench needs nothing beyond python3 on a fresh Debian machine: no plotting package, no
font files. The image's size depends only on the number of groups and bars. Exit status: 0
written, 1 unreadable input or unwritable file (one line on stderr), 2 bad usage.
"""

import struct
import sys
import zlib

# 5x8 glyphs for ASCII 0x20..0x7E, five columns each, bit 0 the top row: the classic
# HD44780-style 5x7 font, with an eighth row for the descenders of g, j, p, q and y.
# Characters outside the range are drawn as '?'.
FONT = bytes.fromhex(
    "0000000000" "00005f0000" "0007000700" "147f147f14" "242a7f2a12"  # space ! " # $
    "2313086462" "3649552250" "0000070000" "001c224100" "0041221c00"  # % & ' ( )
    "14083e0814" "08083e0808" "0050300000" "0808080808" "0060600000"  # * + , - .
    "2010080402" "3e5149453e" "00427f4000" "4261514946" "2141454b31"  # / 0 1 2 3
    "1814127f10" "2745454539" "3c4a494930" "0171090503" "3649494936"  # 4 5 6 7 8
    "064949291e" "0036360000" "0056360000" "0814224100" "1414141414"  # 9 : ; < =
    "0041221408" "0201510906" "324979413e" "7e1111117e" "7f49494936"  # > ? @ A B
    "3e41414122" "7f4141221c" "7f49494941" "7f09090901" "3e4149497a"  # C D E F G
    "7f0808087f" "00417f4100" "2040413f01" "7f08142241" "7f40404040"  # H I J K L
    "7f020c027f" "7f0408107f" "3e4141413e" "7f09090906" "3e4151215e"  # M N O P Q
    "7f09192946" "4649494931" "01017f0101" "3f4040403f" "1f2040201f"  # R S T U V
    "3f4038403f" "6314081463" "0708700807" "6151494543" "007f414100"  # W X Y Z [
    "0204081020" "0041417f00" "0402010204" "4040404040" "0001020400"  # \ ] ^ _ `
    "2054545478" "7f48444438" "3844444420" "384444487f" "3854545418"  # a b c d e
    "087e090102" "98a4a4a47c" "7f08040478" "00447d4000" "4080807d00"  # f g h i j
    "7f10284400" "00417f4000" "7c04180478" "7c08040478" "3844444438"  # k l m n o
    "fc24242418" "18242424fc" "7c08040408" "4854545420" "043f444020"  # p q r s t
    "3c4040207c" "1c2040201c" "3c4030403c" "4428102844" "1ca0a0a07c"  # u v w x y
    "4464544c44" "0008364100" "00007f0000" "0041360800" "0804081008"  # z { | } ~
)
GLYPH_COLUMNS = 5
GLYPH_ROWS = 8

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
DARK = (60, 60, 60)
GRID = (225, 225, 225)
SERIES_COLOURS = {
    "halyard": (31, 119, 180),
    "native": (150, 150, 150),
    "bao": (44, 160, 44),
    "xvisor": (255, 127, 14),
    "kvm": (214, 39, 40),
    "kvmtool": (148, 103, 189),
}
OTHER_COLOUR = (120, 120, 120)

# Layout, in pixels. Text is the font at SCALE (each dot SCALE x SCALE pixels).
SCALE = 2
ADVANCE = (GLYPH_COLUMNS + 1) * SCALE  # one column of space between characters
TEXT_HEIGHT = GLYPH_ROWS * SCALE
WIDTH = 1100
MARGIN = 20
LABEL_WIDTH = 200  # bar labels, right-aligned before the bars
PLOT_LEFT = MARGIN + LABEL_WIDTH
PLOT_RIGHT = WIDTH - MARGIN - 6 * ADVANCE  # room for the last bar's value
HEADER_TOP = MARGIN
GROUP_TITLE_HEIGHT = 26
BAR_HEIGHT = 18
BAR_PITCH = 24
GROUP_GAP = 14
AXIS_HEIGHT = 60
FOOTNOTE_HEIGHT = 24


class Canvas:
    def __init__(self, width, height):
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(WHITE) * (width * height))

    def fill(self, x, y, w, h, colour):
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + w, self.width), min(y + h, self.height)
        if x1 <= x0 or y1 <= y0:
            return
        row = bytes(colour) * (x1 - x0)
        for yy in range(y0, y1):
            start = (yy * self.width + x0) * 3
            self.pixels[start:start + len(row)] = row

    def text(self, x, y, text, colour=BLACK, bold=False):
        if bold:  # the same glyphs again one pixel to the right
            self.text(x + 1, y, text, colour)
        for i, char in enumerate(text):
            code = ord(char)
            if not 0x20 <= code <= 0x7E:
                code = ord("?")
            glyph = FONT[(code - 0x20) * GLYPH_COLUMNS:(code - 0x1F) * GLYPH_COLUMNS]
            for column, bits in enumerate(glyph):
                for row in range(GLYPH_ROWS):
                    if bits >> row & 1:
                        self.fill(x + i * ADVANCE + column * SCALE, y + row * SCALE, SCALE, SCALE,
                                  colour)

    def png(self):
        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data +
                    struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

        stride = self.width * 3
        raw = b"".join(b"\x00" + bytes(self.pixels[y * stride:(y + 1) * stride])
                       for y in range(self.height))  # filter type 0 (none) per row
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def text_width(text):
    return len(text) * ADVANCE - SCALE


def tick_step(maximum):
    """A 1, 2 or 5 times a power of ten that puts at most eight ticks under `maximum`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if maximum / (step * factor) <= 8:
                return step * factor
        step *= 10


def parse(lines):
    groups = []  # [(name, [(series, label, value or None, shown)])]
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise ValueError(f"line {number}: expected group, series, label and value "
                             f"separated by tabs, got {len(fields)} field(s)")
        group, series, label, shown = fields
        try:
            value = float(shown)
            if not value >= 0 or value == float("inf"):
                raise ValueError
        except ValueError:
            value = None
        if not groups or groups[-1][0] != group:
            if any(name == group for name, _ in groups):
                raise ValueError(f"line {number}: group '{group}' is split by another group")
            groups.append((group, []))
        groups[-1][1].append((series, label, value, shown))
    if not groups:
        raise ValueError("no bars to draw")
    return groups


def chart_height(groups):
    bars = sum(len(bars) for _, bars in groups)
    return (HEADER_TOP + 2 * GROUP_TITLE_HEIGHT + len(groups) * (GROUP_TITLE_HEIGHT + GROUP_GAP) +
            bars * BAR_PITCH + AXIS_HEIGHT + FOOTNOTE_HEIGHT + MARGIN)


def draw(groups, title, subtitle, footnote):
    canvas = Canvas(WIDTH, chart_height(groups))
    canvas.text(MARGIN, HEADER_TOP, title, bold=True)
    canvas.text(MARGIN, HEADER_TOP + GROUP_TITLE_HEIGHT, subtitle, DARK)

    values = [value for _, bars in groups for _, _, value, _ in bars if value is not None]
    step = tick_step(max(values, default=1) or 1)
    axis_max = step * max(1, -(-max(values, default=1) // step))
    scale = (PLOT_RIGHT - PLOT_LEFT) / axis_max

    plot_top = HEADER_TOP + 2 * GROUP_TITLE_HEIGHT + GROUP_GAP // 2
    plot_bottom = canvas.height - AXIS_HEIGHT - FOOTNOTE_HEIGHT - MARGIN
    ticks = range(0, int(axis_max) + 1, int(step))
    for tick in ticks:  # grid and zero line first: bars and text are drawn over them
        canvas.fill(PLOT_LEFT + round(tick * scale), plot_top, 1, plot_bottom - plot_top, GRID)
    canvas.fill(PLOT_LEFT, plot_top, 2, plot_bottom - plot_top, BLACK)

    y = plot_top + GROUP_GAP // 2
    for group, bars in groups:
        # The group's title on a band of its own across the plot: one panel per path.
        canvas.fill(MARGIN, y - GROUP_GAP // 2, WIDTH - 2 * MARGIN, GROUP_TITLE_HEIGHT + GROUP_GAP // 2,
                    WHITE)
        canvas.text(MARGIN, y + (GROUP_TITLE_HEIGHT - TEXT_HEIGHT) // 2, group, bold=True)
        y += GROUP_TITLE_HEIGHT
        for series, label, value, shown in bars:
            text_y = y + (BAR_HEIGHT - TEXT_HEIGHT) // 2
            canvas.text(PLOT_LEFT - 10 - text_width(label), text_y, label, DARK)
            if value is None:
                canvas.text(PLOT_LEFT + 6, text_y, shown, DARK)
            else:
                length = max(1, round(value * scale))
                canvas.fill(PLOT_LEFT, y, length, BAR_HEIGHT,
                            SERIES_COLOURS.get(series, OTHER_COLOUR))
                canvas.text(PLOT_LEFT + length + 6, text_y, f"{value:.0f}")
            y += BAR_PITCH
        y += GROUP_GAP

    canvas.fill(PLOT_LEFT, plot_bottom, PLOT_RIGHT - PLOT_LEFT + 1, 2, BLACK)
    for tick in ticks:
        x = PLOT_LEFT + round(tick * scale)
        canvas.fill(x, plot_bottom, 1, 6, BLACK)
        canvas.text(x - text_width(str(tick)) // 2, plot_bottom + 10, str(tick), DARK)
    axis_title = "instructions per round trip (lower is better)"
    canvas.text((PLOT_LEFT + PLOT_RIGHT - text_width(axis_title)) // 2, plot_bottom + 34,
                axis_title)
    canvas.text(MARGIN, canvas.height - MARGIN - TEXT_HEIGHT, footnote, DARK)
    return canvas


def main(argv):
    if len(argv) != 5 or argv[1].startswith("-"):
        print("usage: bench_chart.py OUTPUT.png TITLE SUBTITLE FOOTNOTE < ROWS", file=sys.stderr)
        return 2
    output, title, subtitle, footnote = argv[1:]
    try:
        groups = parse(sys.stdin)
    except ValueError as error:
        print(f"bench_chart.py: error: {error}", file=sys.stderr)
        return 1
    png = draw(groups, title, subtitle, footnote).png()
    try:
        with open(output, "wb") as file:
            file.write(png)
    except OSError as error:
        print(f"bench_chart.py: error: cannot write {output}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
