// Ningbo's "246" industrial clusters (2019 plan: 2 trillion-yuan, 4 500-billion, 6 100-billion clusters),
// stored as data beside the "361" clusters of 2025 (migration 0002). An enterprise's profile names a "361"
// cluster; membership of a "246" cluster follows from its GB/T 4754 industry code, by the division or class
// prefixes below. The prefixes are this product's reading of each cluster's scope (not an official list),
// which is why they are rows (cluster_industry) and not code: a bureau corrects them with a migration.
import type { Text } from "../../assessments/types";

export interface IndustryCluster {
  code: string;
  name: Text;
  /** GB/T 4754 division ("C26") or class prefixes ("C385"); an enterprise matches when its code starts with one. */
  industryPrefixes: string[];
}

export const CLUSTERS_246: IndustryCluster[] = [
  { code: "g246_petrochem", name: { zh: "绿色石化", en: "Green petrochemicals" }, industryPrefixes: ["C25", "C26", "C28", "C29"] },
  { code: "g246_auto", name: { zh: "汽车", en: "Automobiles" }, industryPrefixes: ["C36"] },
  { code: "g246_equipment", name: { zh: "高端装备", en: "High-end equipment" }, industryPrefixes: ["C34", "C35", "C37", "C40"] },
  { code: "g246_electronics", name: { zh: "电子信息", en: "Electronics and information" }, industryPrefixes: ["C39"] },
  { code: "g246_materials", name: { zh: "新材料", en: "New materials" }, industryPrefixes: ["C30", "C31", "C32"] },
  // Software and new services are not manufacturing: no GB/T 4754 section C code belongs here.
  { code: "g246_software", name: { zh: "软件与新兴服务", en: "Software and emerging services" }, industryPrefixes: ["I65"] },
  { code: "g246_components", name: { zh: "关键基础件（元器件）", en: "Key components" }, industryPrefixes: ["C344", "C348", "C398"] },
  { code: "g246_appliances", name: { zh: "智能家电", en: "Smart home appliances" }, industryPrefixes: ["C385"] },
  { code: "g246_textiles", name: { zh: "时尚纺织服装", en: "Fashion textiles and apparel" }, industryPrefixes: ["C17", "C18", "C19"] },
  { code: "g246_biomed", name: { zh: "生物医药", en: "Biomedicine" }, industryPrefixes: ["C27", "C358"] },
  { code: "g246_stationery_sports", name: { zh: "文体用品", en: "Stationery and sporting goods" }, industryPrefixes: ["C24"] },
  { code: "g246_green_env", name: { zh: "节能环保", en: "Energy saving and environmental protection" }, industryPrefixes: ["C3591", "C42"] },
];

export const PLAN_246 = "246";
