import { escapeXml, formatTick, niceTicks, svgChart } from "./svg-chart";

const circles = (svg: string) =>
  [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => m.slice(1).map(Number));

describe("the SVG line chart", () => {
  const svg = svgChart([
    {
      title: "Fan-out",
      x: { label: "group size", unit: "members", scale: "log" },
      y: { label: "rate", unit: "per second" },
      series: [
        {
          name: "deliveries/s",
          points: [
            { x: 2, y: 300 },
            { x: 10, y: 900 },
            { x: 200, y: 1500 },
          ],
        },
        {
          name: "sends/s",
          points: [
            { x: 2, y: 300 },
            { x: 10, y: 100 },
            { x: 200, y: NaN },
          ],
        },
      ],
    },
  ]);

  it("when rendered, then it is one SVG document with the title, both axis labels with units and a legend", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain(">Fan-out</text>");
    expect(svg).toContain(">group size (members)</text>");
    expect(svg).toContain(">rate (per second)</text>");
    expect(svg).toContain(">deliveries/s</text>");
    expect(svg).toContain(">sends/s</text>");
  });

  it("when a series has a non-finite value, then that point is left out and the others are drawn", () => {
    expect(circles(svg)).toHaveLength(5);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
  });

  it("when values grow, then points go right along x and up along y (SVG y grows downwards)", () => {
    const [a, b, c] = circles(svg);
    expect(a![0]).toBeLessThan(b![0]!);
    expect(b![0]).toBeLessThan(c![0]!);
    expect(a![1]).toBeGreaterThan(b![1]!);
    expect(b![1]).toBeGreaterThan(c![1]!);
  });

  it("when the x axis is logarithmic, then it is labelled at the measured points, evenly by ratio", () => {
    const log = svgChart([
      {
        title: "t",
        x: { label: "x", unit: "u", scale: "log" },
        y: { label: "y", unit: "v" },
        series: [{ name: "s", points: [1, 10, 100].map((x) => ({ x, y: 1 })) }],
      },
    ]);
    const [a, b, c] = circles(log);
    expect(b![0]! - a![0]!).toBeCloseTo(c![0]! - b![0]!, 0);
    expect(log).toContain(">100</text>");
  });

  it("when text holds markup, then it is escaped rather than interpreted", () => {
    const hostile = svgChart([
      {
        title: "<script>alert('x')</script>",
        x: { label: "a & b", unit: '"q"' },
        y: { label: "y", unit: "ms" },
        series: [{ name: "<b>", points: [{ x: 1, y: 1 }] }],
      },
    ]);
    expect(hostile).not.toContain("<script>");
    expect(hostile).not.toContain("<b>");
    expect(hostile).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(hostile).toContain("a &amp; b (&quot;q&quot;)");
  });

  it("when a value is negative, then it stays inside the plot, below the zero line", () => {
    const mixed = svgChart([
      {
        title: "t",
        x: { label: "x", unit: "u" },
        y: { label: "y", unit: "v" },
        series: [
          {
            name: "s",
            points: [
              { x: 1, y: -50 },
              { x: 2, y: 100 },
            ],
          },
        ],
      },
    ]);
    const [low, high] = circles(mixed);
    // Dark horizontal lines across the plot: the x axis at the bottom and the zero line above it.
    const dark = [...mixed.matchAll(/<line x1="80" y1="([\d.]+)" x2="530" y2="\1" stroke="#333"\/>/g)];
    const zero = Math.min(...dark.map((m) => Number(m[1])));
    expect(dark).toHaveLength(2);
    expect(low![1]).toBeGreaterThan(high![1]!);
    expect(low![1]).toBeLessThanOrEqual(300 - 56);
    expect(mixed).toContain(">-50</text>");
    expect(zero).toBeGreaterThan(high![1]!);
    expect(zero).toBeLessThan(low![1]!);
  });

  it("when a panel has no data, then it still draws its axes and says so", () => {
    const empty = svgChart([
      {
        title: "t",
        x: { label: "x", unit: "u" },
        y: { label: "y", unit: "v" },
        series: [{ name: "s", points: [] }],
      },
    ]);
    expect(empty).toContain(">no data</text>");
    expect(empty).not.toContain("<circle");
  });

  it("when there are several panels, then they stack and the document is as tall as all of them", () => {
    const panel = { title: "p", x: { label: "x", unit: "u" }, y: { label: "y", unit: "v" }, series: [] };
    const one = svgChart([panel]).match(/height="(\d+)"/)![1];
    const two = svgChart([panel, panel]).match(/height="(\d+)"/)![1];
    expect(Number(two)).toBe(2 * Number(one));
  });
});

describe("chart helpers", () => {
  it("when ticks are chosen, then they are round, include 0, and cover the values", () => {
    expect(niceTicks(1, 7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0, 0.42)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(-586, 278)).toEqual([-600, -400, -200, 0, 200, 400]);
    expect(niceTicks(0, 0)).toEqual([0, 1]);
  });

  it("when numbers are labelled, then thousands are grouped and fractions kept short", () => {
    expect(formatTick(20000)).toBe("20 000");
    expect(formatTick(0.123456)).toBe("0.123");
    expect(formatTick(12)).toBe("12");
  });

  it("when text is escaped, then all five XML specials are replaced", () => {
    expect(escapeXml(`<&>"'`)).toBe("&lt;&amp;&gt;&quot;&#39;");
  });
});
