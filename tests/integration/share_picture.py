#!/usr/bin/env python3
"""share_picture.py - what a presentation looks like in a conference picture, for the
presenting tests (standard library only; ffmpeg decodes).

  share_picture.py lines FILE SECONDS SOURCE
      The frame of FILE (a room's received picture or a recording) SECONDS in must show
      the fine lines of SOURCE (the shared file: vertical stripes in its left half,
      horizontal stripes in its right half) in the presentation layout's content area
      (full width, top 5/6, letterboxed to the source's aspect): as many stripes per
      row and per column as the source scaled to that area (within 15 %), and at least
      half the source's contrast between neighbouring pixels (edges intact). Prints the
      figures; exits 1 when the picture fails.

  share_picture.py colour FILE SECONDS X Y W H
      Prints the mean "R G B" of that region (fractions of the frame) of the frame.
"""
import subprocess
import sys


def frame(path, seconds, pix_fmt, size=None):
    """One decoded frame at `seconds`: (width, height, bytes)."""
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height", "-of", "csv=p=0", path],
        capture_output=True, text=True, check=True).stdout.strip().split(",")
    width, height = int(probe[0]), int(probe[1])
    vf = []
    if size:
        vf = ["-vf", "scale=%d:%d:flags=area" % size]
        width, height = size
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(seconds), "-i", path, "-frames:v", "1"] + vf +
        ["-f", "rawvideo", "-pix_fmt", pix_fmt, "-"],
        capture_output=True, check=True).stdout
    per_pixel = 3 if pix_fmt == "rgb24" else 1
    if len(raw) < width * height * per_pixel:
        sys.exit("%s: no frame at %s s" % (path, seconds))
    return width, height, raw


def line_figures(values):
    """Stripes crossed (sign changes around the mean, with hysteresis) and the mean
    absolute step between neighbours along one line of luma values."""
    mean = sum(values) / len(values)
    crossings, state = 0, 0
    for v in values:
        s = 1 if v > mean + 20 else -1 if v < mean - 20 else 0
        if s and state and s != state:
            crossings += 1
        if s:
            state = s
    step = sum(abs(values[i + 1] - values[i]) for i in range(len(values) - 1))
    return crossings, step / (len(values) - 1)


def region_figures(width, raw, x0, y0, w, h, along_rows):
    """Mean crossings and step over the rows (or the columns) of a region."""
    lines = []
    if along_rows:
        for y in range(y0, y0 + h, 4):
            lines.append([raw[y * width + x] for x in range(x0, x0 + w)])
    else:
        for x in range(x0, x0 + w, 4):
            lines.append([raw[y * width + x] for y in range(y0, y0 + h)])
    figures = [line_figures(line) for line in lines]
    return (sum(f[0] for f in figures) / len(figures), sum(f[1] for f in figures) / len(figures))


def check_lines(path, seconds, source):
    width, height, raw = frame(path, seconds, "gray")
    area_h = round(height * 5 / 6)  # the presentation layout's content cell
    src_w, src_h, _ = frame(source, 0, "gray")
    content_h = area_h
    content_w = round(area_h * src_w / src_h)
    if content_w > width:
        content_w, content_h = width, round(width * src_h / src_w)
    left = (width - content_w) // 2
    top = (area_h - content_h) // 2
    _, _, ref = frame(source, 0, "gray", (content_w, content_h))
    ok = True
    # (region in content pixels: x, y, w, h; along rows?) inside each half, clear of
    # the middle seam and of the name label at the cell's bottom left.
    regions = [("vertical lines (left half)", content_w // 8, content_h // 4, content_w // 4,
                content_h // 2, True),
               ("horizontal lines (right half)", content_w * 5 // 8, content_h // 8,
                content_w // 4, content_h // 2, False)]
    for name, x, y, w, h, along_rows in regions:
        want = region_figures(content_w, ref, x, y, w, h, along_rows)
        got = region_figures(width, raw, left + x, top + y, w, h, along_rows)
        print("%s: %s: stripes %.1f (source %.1f), contrast %.1f (source %.1f)" %
              (path, name, got[0], want[0], got[1], want[1]))
        if abs(got[0] - want[0]) > 0.15 * want[0]:
            print("  FAIL: the stripes are not there (too few or too many)")
            ok = False
        if got[1] < 0.5 * want[1]:
            print("  FAIL: the edges are blurred (less than half the source's contrast)")
            ok = False
    return ok


def mean_colour(path, seconds, fx, fy, fw, fh):
    width, height, raw = frame(path, seconds, "rgb24")
    x0, y0 = int(fx * width), int(fy * height)
    x1, y1 = int((fx + fw) * width), int((fy + fh) * height)
    sums, n = [0, 0, 0], 0
    for y in range(y0, y1, 2):
        for x in range(x0, x1, 2):
            i = (y * width + x) * 3
            for c in range(3):
                sums[c] += raw[i + c]
            n += 1
    return " ".join(str(round(s / n)) for s in sums)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "lines":
        sys.exit(0 if check_lines(sys.argv[2], float(sys.argv[3]), sys.argv[4]) else 1)
    if len(sys.argv) == 8 and sys.argv[1] == "colour":
        print(mean_colour(sys.argv[2], float(sys.argv[3]), *map(float, sys.argv[4:8])))
        return
    sys.exit(__doc__)


main()
