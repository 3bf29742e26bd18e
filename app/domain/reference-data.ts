// Reference data the organisation profile is built from: Ningbo's districts and counties (GB/T 2260 codes),
// its industrial clusters (the 2025 "361" plan), the manufacturing divisions of GB/T 4754-2017, revenue
// bands and recognition flags. Seeded into the database by a migration; used here for form options and
// validation. Sources: /work/shared FRAMEWORKS.md §3 (districts, clusters), GB/T 4754-2017 (divisions 13–43).
import type { Text } from "../../assessments/types";

export interface Region {
  code: string;
  name: Text;
}
export interface District {
  code: string;
  regionCode: string;
  name: Text;
  kind: "district" | "county_city" | "county";
}
export interface Cluster {
  code: string;
  name: Text;
  plan: string;
}
export interface Industry {
  code: string;
  name: Text;
  industryType: "discrete" | "process";
}
export interface Choice {
  code: string;
  name: Text;
}

export const NINGBO: Region = { code: "330200", name: { zh: "宁波市", en: "Ningbo" } };
export const REGIONS: Region[] = [NINGBO];

export const DISTRICTS: District[] = [
  { code: "330203", regionCode: "330200", kind: "district", name: { zh: "海曙区", en: "Haishu District" } },
  { code: "330205", regionCode: "330200", kind: "district", name: { zh: "江北区", en: "Jiangbei District" } },
  { code: "330206", regionCode: "330200", kind: "district", name: { zh: "北仑区", en: "Beilun District" } },
  { code: "330211", regionCode: "330200", kind: "district", name: { zh: "镇海区", en: "Zhenhai District" } },
  { code: "330212", regionCode: "330200", kind: "district", name: { zh: "鄞州区", en: "Yinzhou District" } },
  { code: "330213", regionCode: "330200", kind: "district", name: { zh: "奉化区", en: "Fenghua District" } },
  { code: "330281", regionCode: "330200", kind: "county_city", name: { zh: "余姚市", en: "Yuyao City" } },
  { code: "330282", regionCode: "330200", kind: "county_city", name: { zh: "慈溪市", en: "Cixi City" } },
  { code: "330226", regionCode: "330200", kind: "county", name: { zh: "宁海县", en: "Ninghai County" } },
  { code: "330225", regionCode: "330200", kind: "county", name: { zh: "象山县", en: "Xiangshan County" } },
];

export const CLUSTERS: Cluster[] = [
  { code: "petrochem", plan: "361", name: { zh: "绿色石化", en: "Green petrochemicals" } },
  { code: "nev_equipment", plan: "361", name: { zh: "新能源汽车及高端装备", en: "New-energy vehicles and high-end equipment" } },
  { code: "new_materials", plan: "361", name: { zh: "新材料", en: "New materials" } },
  { code: "ai_robotics", plan: "361", name: { zh: "人工智能与机器人", en: "AI and robotics" } },
  { code: "next_gen_it", plan: "361", name: { zh: "新一代信息技术", en: "Next-generation IT" } },
  { code: "green_energy", plan: "361", name: { zh: "绿色能源", en: "Green energy" } },
  { code: "life_health", plan: "361", name: { zh: "生命健康", en: "Life and health" } },
  { code: "fashion_consumer", plan: "361", name: { zh: "时尚消费品", en: "Fashion and consumer goods" } },
  { code: "aero_marine", plan: "361", name: { zh: "航空航天与海工装备", en: "Aerospace and marine engineering equipment" } },
];

/** GB/T 4754-2017 section C, divisions 13–43, with the industry type that selects framework weights. */
export const INDUSTRIES: Industry[] = [
  { code: "C13", industryType: "process", name: { zh: "农副食品加工业", en: "Agricultural and sideline food processing" } },
  { code: "C14", industryType: "process", name: { zh: "食品制造业", en: "Food manufacturing" } },
  { code: "C15", industryType: "process", name: { zh: "酒、饮料和精制茶制造业", en: "Liquor, beverages and refined tea" } },
  { code: "C16", industryType: "process", name: { zh: "烟草制品业", en: "Tobacco products" } },
  { code: "C17", industryType: "process", name: { zh: "纺织业", en: "Textiles" } },
  { code: "C18", industryType: "discrete", name: { zh: "纺织服装、服饰业", en: "Textile apparel and clothing" } },
  { code: "C19", industryType: "discrete", name: { zh: "皮革、毛皮、羽毛及其制品和制鞋业", en: "Leather, fur, feathers and footwear" } },
  { code: "C20", industryType: "discrete", name: { zh: "木材加工和木、竹、藤、棕、草制品业", en: "Wood, bamboo, rattan, palm and straw products" } },
  { code: "C21", industryType: "discrete", name: { zh: "家具制造业", en: "Furniture" } },
  { code: "C22", industryType: "process", name: { zh: "造纸和纸制品业", en: "Paper and paper products" } },
  { code: "C23", industryType: "discrete", name: { zh: "印刷和记录媒介复制业", en: "Printing and reproduction of recorded media" } },
  { code: "C24", industryType: "discrete", name: { zh: "文教、工美、体育和娱乐用品制造业", en: "Stationery, crafts, sports and entertainment goods" } },
  { code: "C25", industryType: "process", name: { zh: "石油、煤炭及其他燃料加工业", en: "Petroleum, coal and other fuel processing" } },
  { code: "C26", industryType: "process", name: { zh: "化学原料和化学制品制造业", en: "Chemical raw materials and products" } },
  { code: "C27", industryType: "process", name: { zh: "医药制造业", en: "Pharmaceuticals" } },
  { code: "C28", industryType: "process", name: { zh: "化学纤维制造业", en: "Chemical fibres" } },
  { code: "C29", industryType: "discrete", name: { zh: "橡胶和塑料制品业", en: "Rubber and plastic products" } },
  { code: "C30", industryType: "process", name: { zh: "非金属矿物制品业", en: "Non-metallic mineral products" } },
  { code: "C31", industryType: "process", name: { zh: "黑色金属冶炼和压延加工业", en: "Ferrous metal smelting and rolling" } },
  { code: "C32", industryType: "process", name: { zh: "有色金属冶炼和压延加工业", en: "Non-ferrous metal smelting and rolling" } },
  { code: "C33", industryType: "discrete", name: { zh: "金属制品业", en: "Fabricated metal products" } },
  { code: "C34", industryType: "discrete", name: { zh: "通用设备制造业", en: "General-purpose machinery" } },
  { code: "C35", industryType: "discrete", name: { zh: "专用设备制造业", en: "Special-purpose machinery" } },
  { code: "C36", industryType: "discrete", name: { zh: "汽车制造业", en: "Automobiles" } },
  { code: "C37", industryType: "discrete", name: { zh: "铁路、船舶、航空航天和其他运输设备制造业", en: "Railway, ships, aerospace and other transport equipment" } },
  { code: "C38", industryType: "discrete", name: { zh: "电气机械和器材制造业", en: "Electrical machinery and equipment" } },
  { code: "C39", industryType: "discrete", name: { zh: "计算机、通信和其他电子设备制造业", en: "Computers, communication and other electronic equipment" } },
  { code: "C40", industryType: "discrete", name: { zh: "仪器仪表制造业", en: "Instruments and meters" } },
  { code: "C41", industryType: "discrete", name: { zh: "其他制造业", en: "Other manufacturing" } },
  { code: "C42", industryType: "process", name: { zh: "废弃资源综合利用业", en: "Recycling of waste resources" } },
  { code: "C43", industryType: "discrete", name: { zh: "金属制品、机械和设备修理业", en: "Repair of metal products, machinery and equipment" } },
];

/** Annual revenue bands; 2,000万 is the 规上 threshold for industrial enterprises. */
export const REVENUE_BANDS: Choice[] = [
  { code: "lt5m", name: { zh: "500万元以下", en: "under ¥5 m" } },
  { code: "5m-20m", name: { zh: "500万–2000万元", en: "¥5 m – 20 m" } },
  { code: "20m-100m", name: { zh: "2000万–1亿元", en: "¥20 m – 100 m" } },
  { code: "100m-400m", name: { zh: "1亿–4亿元", en: "¥100 m – 400 m" } },
  { code: "400m-1b", name: { zh: "4亿–10亿元", en: "¥400 m – 1 bn" } },
  { code: "ge1b", name: { zh: "10亿元及以上", en: "¥1 bn and above" } },
];

export const FLAGS: Choice[] = [
  { code: "zjtx", name: { zh: "专精特新中小企业", en: "Specialised & innovative SME (专精特新)" } },
  { code: "little_giant", name: { zh: "专精特新“小巨人”", en: "“Little giant”" } },
  { code: "single_champion", name: { zh: "制造业单项冠军", en: "Manufacturing single champion" } },
  { code: "high_tech", name: { zh: "高新技术企业", en: "High-tech enterprise" } },
  { code: "cloud_benchmark", name: { zh: "上云标杆企业", en: "Cloud-adoption benchmark" } },
  { code: "smart_factory", name: { zh: "数字化车间/智能工厂", en: "Digital workshop / smart factory" } },
];

export const districtByCode = new Map(DISTRICTS.map((d) => [d.code, d]));
export const industryByCode = new Map(INDUSTRIES.map((i) => [i.code, i]));
export const clusterByCode = new Map(CLUSTERS.map((c) => [c.code, c]));
export const revenueBandByCode = new Map(REVENUE_BANDS.map((b) => [b.code, b]));
export const flagByCode = new Map(FLAGS.map((f) => [f.code, f]));

/**
 * The GB/T 4754 division of an industry code ("C3484" → "C34"), or null when the code is not a
 * manufacturing class of the form C + 2–4 digits in a known division.
 */
export function industryDivision(code: string): string | null {
  const m = /^C(\d{2})(\d{0,2})$/.exec(code.trim().toUpperCase());
  if (!m) return null;
  const division = `C${m[1]}`;
  return industryByCode.has(division) ? division : null;
}
