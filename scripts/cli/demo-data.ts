// The demo's cast: one account per role and thirty Ningbo-like manufacturers (fictional names) spread over
// every district and county, many industries (GB/T 4754 classes), sizes and recognitions. `cmmm` is the
// smart-manufacturing maturity each is seeded at — 19 of 30 at level 1 or below, 6 at 2, 4 at 3, 1 at 4,
// the shape of the national distribution (63% ≤ L1, 21% L2, 12% L3, 4% ≥ L4). `sme` is the level of a
// 上云用数 self-check (MIIT SME digital level) where the firm did one.
import type { Role } from "../../app/db/schema";

export const DEMO_PASSWORD = "zhiping-demo-2025";

export interface DemoUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  regionCode?: string;
  /** Index into DEMO_ENTERPRISES for members. */
  enterprise?: number;
}

export const DEMO_USERS: DemoUser[] = [
  { id: "demouseradmin", email: "admin@zhiping.demo", name: "平台管理员 陈静", role: "platform_admin" },
  { id: "demouserbureau", email: "bureau@zhiping.demo", name: "宁波市经信局 周涛", role: "bureau_admin", regionCode: "330200" },
  { id: "demouserconsult", email: "consultant@zhiping.demo", name: "咨询师 李明", role: "consultant" },
  { id: "demouserowner", email: "owner@zhiping.demo", name: "企业用户 王强", role: "member", enterprise: 0 },
];

export interface DemoEnterprise {
  name: string;
  district: string;
  industry: string;
  cluster: string;
  aboveScale: boolean;
  employees: number;
  revenue: string;
  flags: string[];
  /** CMMM level of the latest assessment (null: no level). */
  cmmm: number | null;
  /** Level of the earlier CMMM assessment, for a trend line. */
  cmmmBefore?: number | null;
  sme?: number | null;
  smeBefore?: number | null;
}

export const DEMO_ENTERPRISES: DemoEnterprise[] = [
  { name: "宁波甬江精工机械有限公司", district: "330206", industry: "C3484", cluster: "nev_equipment", aboveScale: true, employees: 320, revenue: "100m-400m", flags: ["zjtx"], cmmm: 2, cmmmBefore: 1, sme: 2, smeBefore: 1 },
  { name: "宁波澜海石化新材料有限公司", district: "330211", industry: "C2614", cluster: "petrochem", aboveScale: true, employees: 860, revenue: "400m-1b", flags: ["high_tech"], cmmm: 3 },
  { name: "余姚舜光光电仪器股份有限公司", district: "330281", industry: "C4040", cluster: "next_gen_it", aboveScale: true, employees: 410, revenue: "100m-400m", flags: ["little_giant", "zjtx"], cmmm: 2, sme: 2 },
  { name: "慈溪越电智能家电有限公司", district: "330282", industry: "C3859", cluster: "fashion_consumer", aboveScale: true, employees: 520, revenue: "100m-400m", flags: [], cmmm: 1, sme: 1 },
  { name: "宁海笔墨文具制造有限公司", district: "330226", industry: "C2411", cluster: "fashion_consumer", aboveScale: true, employees: 180, revenue: "20m-100m", flags: [], cmmm: null, sme: 1 },
  { name: "象山东港针织服饰有限公司", district: "330225", industry: "C1830", cluster: "fashion_consumer", aboveScale: true, employees: 260, revenue: "20m-100m", flags: [], cmmm: 1 },
  { name: "宁波鄞城汽车零部件有限公司", district: "330212", industry: "C3670", cluster: "nev_equipment", aboveScale: true, employees: 1200, revenue: "ge1b", flags: ["single_champion", "smart_factory", "high_tech"], cmmm: 4, cmmmBefore: 3 },
  { name: "宁波海曙织锦服装有限公司", district: "330203", industry: "C1810", cluster: "fashion_consumer", aboveScale: true, employees: 540, revenue: "100m-400m", flags: [], cmmm: 1 },
  { name: "宁波江北精模模具有限公司", district: "330205", industry: "C3525", cluster: "nev_equipment", aboveScale: false, employees: 60, revenue: "5m-20m", flags: ["zjtx"], cmmm: 1, sme: 2 },
  { name: "奉化溪口气动元件有限公司", district: "330213", industry: "C3444", cluster: "nev_equipment", aboveScale: true, employees: 300, revenue: "100m-400m", flags: ["zjtx", "little_giant"], cmmm: 2 },
  { name: "宁波北仑港塑注塑机械有限公司", district: "330206", industry: "C3523", cluster: "nev_equipment", aboveScale: true, employees: 900, revenue: "400m-1b", flags: ["single_champion", "smart_factory"], cmmm: 3 },
  { name: "宁波韵升磁源材料有限公司", district: "330212", industry: "C3985", cluster: "new_materials", aboveScale: true, employees: 380, revenue: "100m-400m", flags: ["high_tech"], cmmm: 2 },
  { name: "慈溪杭湾精密轴承有限公司", district: "330282", industry: "C3451", cluster: "nev_equipment", aboveScale: true, employees: 220, revenue: "20m-100m", flags: [], cmmm: 1, sme: 1 },
  { name: "余姚姚江塑料制品有限公司", district: "330281", industry: "C2927", cluster: "", aboveScale: false, employees: 45, revenue: "5m-20m", flags: [], cmmm: null, sme: null },
  { name: "宁波镇海紧固件有限公司", district: "330211", industry: "C3482", cluster: "nev_equipment", aboveScale: true, employees: 150, revenue: "20m-100m", flags: [], cmmm: 1 },
  { name: "象山石浦海工装备有限公司", district: "330225", industry: "C3731", cluster: "aero_marine", aboveScale: true, employees: 680, revenue: "400m-1b", flags: [], cmmm: 1 },
  { name: "宁海桃源电动工具有限公司", district: "330226", industry: "C3465", cluster: "nev_equipment", aboveScale: true, employees: 330, revenue: "100m-400m", flags: ["zjtx"], cmmm: 1, sme: 2 },
  { name: "宁波天一生物医药有限公司", district: "330203", industry: "C2720", cluster: "life_health", aboveScale: true, employees: 450, revenue: "400m-1b", flags: ["high_tech"], cmmm: 2 },
  { name: "宁波江北智造机器人有限公司", district: "330205", industry: "C3491", cluster: "ai_robotics", aboveScale: false, employees: 80, revenue: "20m-100m", flags: ["zjtx", "high_tech"], cmmm: 1, sme: 3 },
  { name: "奉化剡溪食品有限公司", district: "330213", industry: "C1431", cluster: "", aboveScale: true, employees: 160, revenue: "20m-100m", flags: [], cmmm: null },
  { name: "宁波北仑钢联钢铁制品有限公司", district: "330206", industry: "C3130", cluster: "new_materials", aboveScale: true, employees: 1500, revenue: "ge1b", flags: [], cmmm: 3 },
  { name: "宁波鄞州晶阳光伏科技有限公司", district: "330212", industry: "C3825", cluster: "green_energy", aboveScale: true, employees: 700, revenue: "400m-1b", flags: ["high_tech"], cmmm: 3 },
  { name: "慈溪上林纺织印染有限公司", district: "330282", industry: "C1713", cluster: "fashion_consumer", aboveScale: true, employees: 240, revenue: "20m-100m", flags: [], cmmm: null },
  { name: "余姚河姆电子元件有限公司", district: "330281", industry: "C3989", cluster: "next_gen_it", aboveScale: false, employees: 70, revenue: "5m-20m", flags: [], cmmm: null, sme: 1 },
  { name: "宁波慈康医疗器械有限公司", district: "330205", industry: "C3581", cluster: "life_health", aboveScale: true, employees: 260, revenue: "100m-400m", flags: ["zjtx"], cmmm: 1 },
  { name: "宁波镇海化工新材有限公司", district: "330211", industry: "C2651", cluster: "petrochem", aboveScale: true, employees: 520, revenue: "400m-1b", flags: [], cmmm: 2 },
  { name: "宁海长街模塑有限公司", district: "330226", industry: "C2929", cluster: "nev_equipment", aboveScale: false, employees: 90, revenue: "20m-100m", flags: [], cmmm: 1, sme: 1 },
  { name: "象山鹤浦水产食品有限公司", district: "330225", industry: "C1361", cluster: "", aboveScale: true, employees: 130, revenue: "20m-100m", flags: [], cmmm: null },
  { name: "宁波海曙彩印包装有限公司", district: "330203", industry: "C2319", cluster: "", aboveScale: false, employees: 50, revenue: "5m-20m", flags: [], cmmm: 1, sme: null },
  { name: "奉化锦屏新能源电机有限公司", district: "330213", industry: "C3812", cluster: "nev_equipment", aboveScale: true, employees: 410, revenue: "100m-400m", flags: ["high_tech"], cmmm: 1, sme: 2 },
];

/** Fixed ids, so seeding twice finds what is already there instead of duplicating it. */
export function demoOrganizationId(index: number): string {
  return `demoorg${String(index + 1).padStart(2, "0")}`;
}
