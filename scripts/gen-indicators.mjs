#!/usr/bin/env node
// gen-indicators — writes the demo indicator catalogue of issue 17: data/indicators/domains.csv
// (the 27 domains) and data/indicators/catalogue.csv (about 1,100 indicators). SYNTHETIC demo
// data: the names follow Vietnamese statistical usage, the targets and thresholds are invented.
// Deterministic: the same script always writes the same bytes (no clock, no randomness).
//
//   node scripts/gen-indicators.mjs           write both files
//   node scripts/gen-indicators.mjs --check   exit 1 if the files on disk differ from the output
//
// The columns and their allowed values are described in data/indicators/README.md;
// tests/integration/indicator_catalogue.test.mjs checks the committed files.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'data/indicators');

// The 27 domains of issue 17, in its order. Codes are stable: indicator codes start with them.
const DOMAINS = [
    ['KTTH', 'Kinh tế tổng hợp', 'General economy'],
    ['TCNS', 'Tài chính – ngân sách', 'Finance and budget'],
    ['DAUTU', 'Đầu tư', 'Investment'],
    ['CN', 'Công nghiệp', 'Industry'],
    ['TMDV', 'Thương mại – dịch vụ', 'Trade and services'],
    ['NN', 'Nông nghiệp', 'Agriculture'],
    ['TNDD', 'Tài nguyên – đất đai', 'Natural resources and land'],
    ['MT', 'Môi trường', 'Environment'],
    ['XDDT', 'Xây dựng – đô thị', 'Construction and urban development'],
    ['GTVT', 'Giao thông – vận tải', 'Transport'],
    ['YT', 'Y tế', 'Health'],
    ['GDDT', 'Giáo dục – đào tạo', 'Education and training'],
    ['LDVL', 'Lao động – việc làm', 'Labour and employment'],
    ['ASXH', 'An sinh xã hội', 'Social protection'],
    ['VHTT', 'Văn hóa – thể thao', 'Culture and sports'],
    ['DL', 'Du lịch', 'Tourism'],
    ['KHCN', 'Khoa học – công nghệ', 'Science and technology'],
    ['TTTT', 'Thông tin – truyền thông', 'Information and communications'],
    ['CDS', 'Chuyển đổi số', 'Digital transformation'],
    ['CCHC', 'Cải cách hành chính – dịch vụ công', 'Administrative reform and public services'],
    ['PAHT', 'Phản ánh hiện trường', 'Citizen field reports'],
    ['ANTT', 'An ninh trật tự', 'Public security and order'],
    ['ATTT', 'An toàn thông tin', 'Information security'],
    ['PCTT', 'Phòng chống thiên tai', 'Disaster prevention'],
    ['DC', 'Dân cư', 'Population'],
    ['THQ', 'Thuế – hải quan', 'Tax and customs'],
    ['NLDN', 'Năng lượng – điện nước', 'Energy, electricity and water'],
];

// Submission deadlines by frequency: days after the period ends, or the hour for daily values.
const DEADLINE = { day: '17:00', month: '+5d', quarter: '+10d', year: '+30d' };
// The daily figures iocd computes itself after each local midnight from the modules' own data
// (src/environment/figures.c, src/reports/figures.c): nobody submits them by 17:00, so they are
// due the next morning, after the computation.
const COMPUTED = new Set(['MT.AQI', 'MT.AQI_MAX', 'MT.AQI_NGAY_XAU', 'PAHT.TIEPNHAN', 'PAHT.DAXULY',
  'PAHT.DUNGHAN', 'PAHT.QUAHAN', 'PAHT.TUCHOI', 'PAHT.TRUNGLAP', 'PAHT.PA_GT', 'PAHT.PA_TTDT',
  'PAHT.PA_ANTT', 'PAHT.PA_MT', 'PAHT.PA_HTDT', 'PAHT.TG_XULY']);
const COMPUTED_DEADLINE = '+1d 06:00';

const rows = [];
let cur = null;

// Start a domain: its defaults for agency (ag), source (s) and frequency (f).
function domain(code, defaults) {
    if (!DOMAINS.some((d) => d[0] === code)) throw new Error(`unknown domain ${code}`);
    cur = { code, ...defaults };
}

const lcfirst = (s) => (/^[A-Z]{2}/.test(s) ? s : s[0].toLowerCase() + s.slice(1));

/*
 * One indicator. o: a aggregation (default: ratio for a "Tỷ lệ …" in %, else sum), f frequency,
 * p polarity (higher), ag agency, s source, t target, th thresholds (default amber=90% or
 * amber=110% when there is a target), x expression (makes it derived), w weight (wmean),
 * sc scale (ratio), d definition, n/dn numerator/denominator wording for the definition,
 * stock (a level at the end of the period rather than a flow over it), dl deadline.
 */
function add(short, vi, en, unit, o = {}) {
    const derived = o.x !== undefined;
    const pct = unit === '%' && vi.startsWith('Tỷ lệ');
    const a = o.a ?? (pct || (derived && unit === '%') ? 'ratio' : 'sum');
    const f = o.f ?? cur.f;
    const p = o.p ?? 'higher';
    let th = o.th ?? '';
    if (o.th === undefined && o.t !== undefined) {
        if (o.t === 0) throw new Error(`${short}: a target of 0 needs absolute thresholds`);
        th = p === 'higher' ? 'amber=90%' : 'amber=110%';
    }
    const r = {
        code: `${cur.code}.${short}`,
        domain: cur.code,
        name_vi: vi,
        name_en: en,
        definition_vi: o.d ?? '',
        unit,
        frequency: f,
        aggregation: a,
        scale: o.sc ?? (a === 'ratio' ? 100 : ''),
        polarity: p,
        agency: o.ag ?? cur.ag,
        source: derived ? 'derived' : o.s ?? cur.s,
        deadline: derived ? '' : o.dl ?? (COMPUTED.has(`${cur.code}.${short}`) ? COMPUTED_DEADLINE : DEADLINE[f]),
        target: o.t ?? '',
        thresholds: th,
        expression: o.x ?? '',
        weight: o.w ?? '',
    };
    r._o = o;
    rows.push(r);
    return r;
}

// The Vietnamese definition of an indicator that has none written by hand.
function define(r, byCode) {
    const o = r._o;
    const stock = o.stock ? ' tại thời điểm cuối kỳ' : ' trong kỳ';
    if (r.expression) {
        const text = r.expression.replace(/[A-Z][A-Z0-9_]*\.[A-Z0-9_]+/g, (c) => `[${lcfirst(byCode.get(c).name_vi)}]`);
        return `Chỉ tiêu tính toán: ${text}. Ở mỗi cấp và mỗi kỳ, các chỉ tiêu thành phần được tổng hợp trước theo quy tắc riêng của chúng rồi mới tính.`;
    }
    switch (r.aggregation) {
        case 'ratio': {
            const rest = 'Cấp trên và kỳ dài hơn tính bằng tổng tử số chia tổng mẫu số, không lấy bình quân các tỷ lệ.';
            if (!o.n) return `${r.name_vi} (${r.unit})${stock}: mỗi số liệu gồm tử số và mẫu số, giá trị bằng tử số chia mẫu số nhân ${r.scale}. ${rest}`;
            if (r.unit === '%') return `Tỷ lệ phần trăm giữa ${o.n} và ${o.dn}${stock}. ${rest}`;
            return `${r.name_vi}: ${o.n} tính trên ${Number(r.scale).toLocaleString('vi-VN')} ${o.dn}${stock}. ${rest}`;
        }
        case 'sum':
            return o.stock
                ? `${r.name_vi} tại thời điểm cuối kỳ (${r.unit}). Số của cấp trên là tổng số của các đơn vị cấp dưới.`
                : `${r.name_vi} trong kỳ báo cáo (${r.unit}). Số của cấp trên và của kỳ dài hơn là tổng các số thành phần.`;
        case 'mean':
            return `${r.name_vi} (${r.unit}). Cấp trên và kỳ dài hơn lấy bình quân cộng các số thành phần.`;
        case 'wmean':
            return `${r.name_vi} (${r.unit}). Cấp trên và kỳ dài hơn lấy bình quân gia quyền, quyền số là ${lcfirst(byCode.get(r.weight).name_vi)}.`;
        case 'max':
            return `${r.name_vi} (${r.unit}). Cấp trên và kỳ dài hơn lấy giá trị lớn nhất của các số thành phần.`;
        case 'min':
            return `${r.name_vi} (${r.unit}). Cấp trên và kỳ dài hơn lấy giá trị nhỏ nhất của các số thành phần.`;
        case 'last':
            return r.name_vi.startsWith('Tốc độ tăng')
                ? `${r.name_vi} (${r.unit}), số ước tính lũy kế từ đầu năm đến hết kỳ; kỳ dài hơn lấy số của kỳ con cuối cùng.`
                : `${r.name_vi} (${r.unit}), số liệu công bố gần nhất của kỳ; kỳ dài hơn lấy số của kỳ con cuối cùng.`;
    }
    throw new Error(`${r.code}: no definition for ${r.aggregation}`);
}

/* ---- Kinh tế tổng hợp ------------------------------------------------------------------ */
domain('KTTH', { ag: 'SO-TC', s: 'imported', f: 'quarter' });
add('GRDP_HH', 'Tổng sản phẩm trên địa bàn (GRDP) theo giá hiện hành', 'Gross regional domestic product (GRDP) at current prices', 'tỷ đồng', {
    d: 'Giá trị mới tạo ra của tất cả các ngành kinh tế trên địa bàn trong kỳ, tính theo giá hiện hành (tỷ đồng). Kỳ dài hơn là tổng các quý.',
});
add('GRDP_SS', 'Tổng sản phẩm trên địa bàn (GRDP) theo giá so sánh 2010', 'GRDP at constant 2010 prices', 'tỷ đồng');
add('GRDP_TD', 'Tốc độ tăng tổng sản phẩm trên địa bàn (GRDP) so với cùng kỳ năm trước', 'GRDP growth rate, year on year', '%', { a: 'last', t: 10 });
for (const [k, vi, en] of [
    ['NLTS', 'Giá trị tăng thêm khu vực nông, lâm nghiệp và thủy sản', 'Value added of agriculture, forestry and fishing'],
    ['CNXD', 'Giá trị tăng thêm khu vực công nghiệp và xây dựng', 'Value added of industry and construction'],
    ['DV', 'Giá trị tăng thêm khu vực dịch vụ', 'Value added of services'],
    ['THUE', 'Thuế sản phẩm trừ trợ cấp sản phẩm', 'Product taxes less subsidies on products'],
]) {
    add(`GRDP_${k}`, `${vi} theo giá hiện hành`, `${en} at current prices`, 'tỷ đồng');
    add(`TD_${k}`, `Tốc độ tăng ${lcfirst(vi)} theo giá so sánh`, `Growth rate of ${lcfirst(en)} at constant prices`, '%', { a: 'last' });
    add(`TTR_${k}`, `Tỷ trọng ${lcfirst(vi)} trong GRDP`, `Share of ${lcfirst(en)} in GRDP`, '%', { x: `100 * KTTH.GRDP_${k} / KTTH.GRDP_HH`, f: 'year' });
}
add('GRDP_BQ', 'Tổng sản phẩm trên địa bàn bình quân đầu người', 'GRDP per capita', 'triệu đồng', { x: '1000 * KTTH.GRDP_HH / DC.DANSO_TB', a: 'ratio', sc: 1000, f: 'year', t: 160 });
add('NSLD', 'Năng suất lao động xã hội', 'Social labour productivity', 'triệu đồng/lao động', { x: '1000 * KTTH.GRDP_HH / LDVL.LD_VIECLAM', a: 'ratio', sc: 1000, f: 'year' });
add('NSLD_TD', 'Tốc độ tăng năng suất lao động xã hội', 'Growth rate of social labour productivity', '%', { a: 'last', f: 'year', t: 6.5 });
add('TFP', 'Đóng góp của năng suất các nhân tố tổng hợp (TFP) vào tăng trưởng', 'Contribution of total factor productivity (TFP) to growth', '%', { a: 'last', f: 'year', t: 45 });
add('VDT_GRDP', 'Tỷ lệ vốn đầu tư thực hiện so với GRDP', 'Realised investment as a share of GRDP', '%', { x: '100 * DAUTU.VON_TH / KTTH.GRDP_HH', f: 'year' });
add('CPI_CK', 'Chỉ số giá tiêu dùng (CPI) so với cùng kỳ năm trước', 'Consumer price index (CPI), year on year', '%', { a: 'mean', f: 'month', p: 'lower', t: 104, th: 'amber=104.5;red=106' });
add('CPI_KG', 'Chỉ số giá tiêu dùng (CPI) so với kỳ gốc 2024', 'Consumer price index (CPI), base 2024', '%', { a: 'mean', f: 'month', p: 'lower' });
add('CPI_DK', 'Chỉ số giá tiêu dùng (CPI) so với tháng 12 năm trước', 'Consumer price index (CPI), against December of the previous year', '%', { a: 'mean', f: 'month', p: 'lower' });
for (const [k, vi, en] of [
    ['AU', 'hàng ăn và dịch vụ ăn uống', 'food and catering services'],
    ['DU', 'đồ uống và thuốc lá', 'beverages and tobacco'],
    ['MM', 'may mặc, mũ nón và giày dép', 'garments, hats and footwear'],
    ['NO', 'nhà ở, điện, nước, chất đốt và vật liệu xây dựng', 'housing, electricity, water, fuels and building materials'],
    ['TB', 'thiết bị và đồ dùng gia đình', 'household equipment and goods'],
    ['YT', 'thuốc và dịch vụ y tế', 'medicines and health services'],
    ['GT', 'giao thông', 'transport'],
    ['TT', 'thông tin và truyền thông', 'information and communication'],
    ['GD', 'giáo dục', 'education'],
    ['VH', 'văn hóa, giải trí và du lịch', 'culture, entertainment and tourism'],
    ['KH', 'hàng hóa và dịch vụ khác', 'other goods and services'],
]) {
    add(`CPI_${k}`, `Chỉ số giá tiêu dùng nhóm ${vi} so với cùng kỳ năm trước`, `Consumer price index, ${en}, year on year`, '%', { a: 'mean', f: 'month', p: 'lower' });
}
add('GIA_VANG', 'Chỉ số giá vàng so với cùng kỳ năm trước', 'Gold price index, year on year', '%', { a: 'mean', f: 'month' });
add('GIA_USD', 'Chỉ số giá đô la Mỹ so với cùng kỳ năm trước', 'US dollar price index, year on year', '%', { a: 'mean', f: 'month' });
for (const [k, vi, en] of [
    ['PPI_NN', 'Chỉ số giá sản xuất sản phẩm nông, lâm nghiệp và thủy sản', 'Producer price index of agricultural, forestry and fishery products'],
    ['PPI_CN', 'Chỉ số giá sản xuất sản phẩm công nghiệp', 'Producer price index of industrial products'],
    ['PPI_DV', 'Chỉ số giá sản xuất dịch vụ', 'Producer price index of services'],
    ['GIA_NVL', 'Chỉ số giá nguyên liệu, nhiên liệu, vật liệu dùng cho sản xuất', 'Price index of materials and fuels used in production'],
    ['GIA_XK', 'Chỉ số giá xuất khẩu hàng hóa', 'Export price index of goods'],
    ['GIA_NK', 'Chỉ số giá nhập khẩu hàng hóa', 'Import price index of goods'],
    ['GIA_VT', 'Chỉ số giá cước vận tải, kho bãi', 'Price index of transport and storage services'],
]) {
    add(k, `${vi} so với cùng kỳ năm trước`, `${en}, year on year`, '%', { a: 'mean' });
}
add('PCI', 'Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)', 'Provincial Competitiveness Index (PCI)', 'điểm', { a: 'last', f: 'year', s: 'entered', t: 70 });
add('HDI', 'Chỉ số phát triển con người (HDI)', 'Human Development Index (HDI)', 'điểm', { a: 'last', f: 'year', t: 0.8 });
add('TNBQ', 'Thu nhập bình quân đầu người một tháng', 'Average monthly income per capita', 'nghìn đồng', { a: 'wmean', w: 'DC.DANSO_TB', f: 'year' });
add('CTBQ', 'Chi tiêu bình quân đầu người một tháng', 'Average monthly expenditure per capita', 'nghìn đồng', { a: 'wmean', w: 'DC.DANSO_TB', f: 'year' });
add('GTSX_DV', 'Giá trị sản xuất ngành dịch vụ theo giá so sánh 2010', 'Gross output of services at constant 2010 prices', 'tỷ đồng');

/* ---- Tài chính – ngân sách --------------------------------------------------------------- */
domain('TCNS', { ag: 'SO-TC', s: 'entered', f: 'month' });
add('THU_NSNN', 'Tổng thu ngân sách nhà nước trên địa bàn', 'Total state budget revenue collected in the area', 'tỷ đồng', {
    d: 'Tổng các khoản thu ngân sách nhà nước phát sinh trên địa bàn trong kỳ (thu nội địa, thu từ hoạt động xuất khẩu, nhập khẩu và các khoản thu khác), tỷ đồng.',
});
for (const [k, vi, en] of [
    ['THU_ND', 'Thu nội địa', 'Domestic revenue'],
    ['THU_SDD', 'Thu tiền sử dụng đất', 'Land use fees collected'],
    ['THU_TD', 'Thu tiền thuê đất, thuê mặt nước', 'Land and water surface rent collected'],
    ['THU_XS', 'Thu từ hoạt động xổ số kiến thiết', 'Revenue from the state lottery'],
    ['THU_NSDP', 'Tổng thu ngân sách địa phương', 'Total local budget revenue'],
    ['THU_BS', 'Thu bổ sung từ ngân sách trung ương', 'Transfers received from the central budget'],
    ['THU_CN', 'Thu chuyển nguồn từ năm trước sang', 'Funds carried over from the previous year'],
    ['THU_KD', 'Thu kết dư ngân sách năm trước', 'Budget surplus of the previous year'],
    ['THU_VT', 'Thu viện trợ', 'Grants received'],
    ['THU_KHAC', 'Thu khác ngân sách', 'Other budget revenue'],
]) {
    add(k, vi, en, 'tỷ đồng');
}
add('DT_THU', 'Dự toán thu ngân sách nhà nước được giao', 'State budget revenue estimate assigned', 'tỷ đồng', { f: 'year' });
add('TL_TH_THU', 'Tỷ lệ thực hiện dự toán thu ngân sách nhà nước', 'State budget revenue collected against the estimate', '%', { x: '100 * TCNS.THU_NSNN / TCNS.DT_THU', f: 'year', t: 100 });
add('TL_THU_GRDP', 'Tỷ lệ thu ngân sách nhà nước trên địa bàn so với GRDP', 'State budget revenue as a share of GRDP', '%', { x: '100 * TCNS.THU_NSNN / KTTH.GRDP_HH', f: 'year' });
add('CHI_NSDP', 'Tổng chi ngân sách địa phương', 'Total local budget expenditure', 'tỷ đồng');
for (const [k, vi, en] of [
    ['CHI_DTPT', 'Chi đầu tư phát triển', 'Development investment expenditure'],
    ['CHI_TX', 'Chi thường xuyên', 'Recurrent expenditure'],
    ['CHI_GD', 'Chi sự nghiệp giáo dục, đào tạo và dạy nghề', 'Expenditure on education, training and vocational training'],
    ['CHI_YT', 'Chi sự nghiệp y tế, dân số và gia đình', 'Expenditure on health, population and family'],
    ['CHI_KHCN', 'Chi sự nghiệp khoa học và công nghệ', 'Expenditure on science and technology'],
    ['CHI_MT', 'Chi sự nghiệp bảo vệ môi trường', 'Expenditure on environmental protection'],
    ['CHI_KT', 'Chi sự nghiệp kinh tế', 'Expenditure on economic services'],
    ['CHI_QLHC', 'Chi quản lý hành chính, Đảng, đoàn thể', 'Expenditure on administration, the Party and mass organisations'],
    ['CHI_DBXH', 'Chi bảo đảm xã hội', 'Social security expenditure'],
    ['CHI_VH', 'Chi sự nghiệp văn hóa, thông tin', 'Expenditure on culture and information'],
    ['CHI_TDTT', 'Chi sự nghiệp thể dục, thể thao', 'Expenditure on physical training and sports'],
    ['CHI_PTTH', 'Chi sự nghiệp phát thanh, truyền hình', 'Expenditure on radio and television'],
    ['CHI_QPAN', 'Chi quốc phòng, an ninh địa phương', 'Local defence and security expenditure'],
    ['CHI_TRANO', 'Chi trả nợ lãi các khoản do chính quyền địa phương vay', 'Interest paid on local government borrowing'],
    ['CHI_DP', 'Chi dự phòng ngân sách', 'Budget contingency expenditure'],
    ['CHI_CDS', 'Chi cho chuyển đổi số', 'Expenditure on digital transformation'],
]) {
    add(k, vi, en, 'tỷ đồng');
}
add('DT_CHI', 'Dự toán chi ngân sách địa phương được giao', 'Local budget expenditure estimate assigned', 'tỷ đồng', { f: 'year' });
add('TL_TH_CHI', 'Tỷ lệ thực hiện dự toán chi ngân sách địa phương', 'Local budget expenditure against the estimate', '%', { x: '100 * TCNS.CHI_NSDP / TCNS.DT_CHI', f: 'year', t: 95 });
add('TTR_DTPT', 'Tỷ trọng chi đầu tư phát triển trong tổng chi ngân sách địa phương', 'Share of development investment in local budget expenditure', '%', { x: '100 * TCNS.CHI_DTPT / TCNS.CHI_NSDP', f: 'year', t: 40 });
add('TTR_TX', 'Tỷ trọng chi thường xuyên trong tổng chi ngân sách địa phương', 'Share of recurrent expenditure in local budget expenditure', '%', { x: '100 * TCNS.CHI_TX / TCNS.CHI_NSDP', f: 'year', p: 'lower' });
add('BOICHI', 'Bội chi ngân sách địa phương', 'Local budget deficit', 'tỷ đồng', { f: 'year', p: 'lower' });
add('DUNO', 'Dư nợ vay của ngân sách địa phương', 'Outstanding borrowing of the local budget', 'tỷ đồng', { f: 'year', p: 'lower', stock: true });
add('TL_DUNO', 'Tỷ lệ dư nợ vay so với mức dư nợ vay tối đa được phép', 'Outstanding borrowing against the legal ceiling', '%', {
    f: 'year', p: 'lower', t: 60, th: 'amber=80;red=100', n: 'dư nợ vay của ngân sách địa phương', dn: 'mức dư nợ vay tối đa theo Luật Ngân sách nhà nước', stock: true,
});
add('SODU_KB', 'Số dư tiền gửi của ngân sách địa phương tại Kho bạc Nhà nước', 'Local budget deposits at the State Treasury', 'tỷ đồng', { f: 'year', stock: true });
add('TL_TT_DT', 'Tỷ lệ khoản chi ngân sách được thanh toán qua Kho bạc bằng phương thức điện tử', 'Budget payments made electronically through the Treasury', '%', {
    t: 95, n: 'số khoản chi thanh toán điện tử', dn: 'tổng số khoản chi qua Kho bạc Nhà nước',
});
add('HUYDONG_TCTD', 'Tổng nguồn vốn huy động của các tổ chức tín dụng trên địa bàn', 'Total deposits mobilised by credit institutions in the area', 'tỷ đồng', { f: 'year', stock: true });
add('DUNO_TD', 'Tổng dư nợ tín dụng trên địa bàn', 'Total outstanding credit in the area', 'tỷ đồng', { f: 'year', stock: true });
add('TD_TD', 'Tốc độ tăng dư nợ tín dụng so với đầu năm', 'Credit growth since the start of the year', '%', { a: 'last', f: 'quarter', t: 15 });
add('TL_NOXAU', 'Tỷ lệ nợ xấu của các tổ chức tín dụng trên địa bàn', 'Non-performing loan ratio of credit institutions in the area', '%', {
    f: 'quarter', p: 'lower', t: 2, th: 'amber=2.5;red=3', n: 'dư nợ xấu (nhóm 3 đến nhóm 5)', dn: 'tổng dư nợ tín dụng', stock: true,
});
add('DUNO_CS', 'Dư nợ cho vay chính sách xã hội', 'Outstanding social policy loans', 'tỷ đồng', { f: 'year', stock: true });
add('DUNO_NNNT', 'Dư nợ cho vay nông nghiệp, nông thôn', 'Outstanding loans to agriculture and rural areas', 'tỷ đồng', { f: 'year', stock: true });
add('ATM', 'Số máy rút tiền tự động (ATM) trên địa bàn', 'Automated teller machines (ATMs) in the area', 'máy', { f: 'year', stock: true });
add('POS', 'Số thiết bị chấp nhận thanh toán thẻ (POS) trên địa bàn', 'Card payment terminals (POS) in the area', 'máy', { f: 'year', stock: true });
add('XE_CONG', 'Số xe ô tô phục vụ công tác chung của cơ quan, đơn vị', 'Official cars of public agencies', 'chiếc', { f: 'year', stock: true });
add('NHADAT_SX', 'Số cơ sở nhà, đất công được sắp xếp lại, xử lý', 'Public buildings and land plots rearranged or disposed of', 'cơ sở', { f: 'quarter' });
add('THU_TSC', 'Số tiền thu từ bán, chuyển nhượng tài sản công', 'Proceeds from the sale of public assets', 'tỷ đồng', { f: 'quarter' });
add('TK_CHI', 'Số tiền tiết kiệm chi thường xuyên', 'Savings on recurrent expenditure', 'tỷ đồng', { f: 'year' });
add('DV_TUCHU', 'Số đơn vị sự nghiệp công lập tự bảo đảm chi thường xuyên', 'Public service units covering their own recurrent costs', 'đơn vị', { f: 'year', stock: true });
add('TL_DV_TUCHU', 'Tỷ lệ đơn vị sự nghiệp công lập tự bảo đảm chi thường xuyên', 'Share of public service units covering their own recurrent costs', '%', {
    f: 'year', t: 30, n: 'số đơn vị sự nghiệp công lập tự bảo đảm chi thường xuyên', dn: 'tổng số đơn vị sự nghiệp công lập', stock: true,
});

/* ---- Đầu tư -------------------------------------------------------------------------------- */
domain('DAUTU', { ag: 'SO-TC', s: 'entered', f: 'month' });
add('VON_TH', 'Vốn đầu tư thực hiện trên địa bàn theo giá hiện hành', 'Realised investment in the area at current prices', 'tỷ đồng', { f: 'quarter', s: 'imported' });
add('VON_NN', 'Vốn đầu tư thực hiện thuộc khu vực nhà nước', 'Realised investment of the state sector', 'tỷ đồng', { f: 'quarter', s: 'imported' });
add('VON_NNN', 'Vốn đầu tư thực hiện thuộc khu vực ngoài nhà nước', 'Realised investment of the non-state sector', 'tỷ đồng', { f: 'quarter', s: 'imported' });
add('VON_FDI', 'Vốn đầu tư thực hiện thuộc khu vực có vốn đầu tư trực tiếp nước ngoài', 'Realised investment of the foreign-invested sector', 'tỷ đồng', { f: 'quarter', s: 'imported' });
add('KH_DTC', 'Kế hoạch vốn đầu tư công được giao', 'Public investment plan assigned', 'tỷ đồng', { f: 'year' });
add('GN_DTC', 'Giá trị giải ngân vốn đầu tư công', 'Public investment disbursed', 'tỷ đồng');
add('TL_GN_DTC', 'Tỷ lệ giải ngân vốn đầu tư công so với kế hoạch được giao', 'Public investment disbursed against the plan', '%', { x: '100 * DAUTU.GN_DTC / DAUTU.KH_DTC', f: 'year', t: 95, th: 'amber=85;red=70' });
for (const [k, vi, en] of [
    ['GN_NSDP', 'ngân sách địa phương', 'the local budget'],
    ['GN_NSTW', 'ngân sách trung ương', 'the central budget'],
    ['GN_MTQG', 'các chương trình mục tiêu quốc gia', 'the national target programmes'],
    ['GN_ODA', 'vay ODA và vay ưu đãi nước ngoài', 'ODA and concessional foreign loans'],
]) {
    add(k, `Giá trị giải ngân vốn đầu tư công từ nguồn ${vi}`, `Public investment disbursed from ${en}`, 'tỷ đồng');
}
add('DA_DTC', 'Số dự án đầu tư công đang triển khai', 'Public investment projects under way', 'dự án', { f: 'year', stock: true });
add('DA_DTC_CHAM', 'Số dự án đầu tư công chậm tiến độ', 'Public investment projects behind schedule', 'dự án', { f: 'quarter', p: 'lower' });
add('DA_DTC_HT', 'Số dự án đầu tư công hoàn thành, bàn giao đưa vào sử dụng', 'Public investment projects completed and handed over', 'dự án', { f: 'quarter' });
add('FDI_DA_MOI', 'Số dự án đầu tư trực tiếp nước ngoài được cấp mới', 'New foreign direct investment (FDI) projects licensed', 'dự án');
add('FDI_VON_MOI', 'Vốn đăng ký của các dự án đầu tư trực tiếp nước ngoài cấp mới', 'Registered capital of new FDI projects', 'triệu USD');
add('FDI_DA_DC', 'Số lượt dự án đầu tư trực tiếp nước ngoài điều chỉnh vốn', 'FDI projects adjusting their capital', 'lượt dự án');
add('FDI_VON_TT', 'Vốn đăng ký tăng thêm của các dự án đầu tư trực tiếp nước ngoài', 'Additional registered capital of FDI projects', 'triệu USD');
add('FDI_GV', 'Số lượt góp vốn, mua cổ phần của nhà đầu tư nước ngoài', 'Capital contributions and share purchases by foreign investors', 'lượt');
add('FDI_GV_TG', 'Giá trị góp vốn, mua cổ phần của nhà đầu tư nước ngoài', 'Value of capital contributions and share purchases by foreign investors', 'triệu USD');
add('FDI_TH', 'Vốn đầu tư trực tiếp nước ngoài thực hiện', 'FDI disbursed', 'triệu USD', { f: 'quarter' });
add('FDI_DA_HL', 'Số dự án đầu tư trực tiếp nước ngoài còn hiệu lực', 'FDI projects in force', 'dự án', { f: 'year', stock: true });
add('FDI_VON_HL', 'Tổng vốn đăng ký của các dự án đầu tư trực tiếp nước ngoài còn hiệu lực', 'Registered capital of FDI projects in force', 'triệu USD', { f: 'year', stock: true });
add('DDI_DA_MOI', 'Số dự án đầu tư trong nước được chấp thuận chủ trương đầu tư', 'Domestic investment projects approved', 'dự án');
add('DDI_VON_MOI', 'Vốn đăng ký của các dự án đầu tư trong nước được chấp thuận', 'Registered capital of approved domestic projects', 'tỷ đồng');
add('DDI_DA_DC', 'Số dự án đầu tư trong nước điều chỉnh chủ trương đầu tư', 'Domestic projects with amended approvals', 'dự án');
add('DA_THUHOI', 'Số dự án đầu tư bị chấm dứt hoạt động, thu hồi', 'Investment projects terminated or revoked', 'dự án', { p: 'lower' });
add('PPP', 'Số dự án đầu tư theo phương thức đối tác công tư (PPP)', 'Public–private partnership (PPP) projects', 'dự án', { f: 'year', stock: true });
add('DN_MOI', 'Số doanh nghiệp đăng ký thành lập mới', 'Newly registered enterprises', 'doanh nghiệp', { s: 'api' });
add('DN_VON', 'Vốn đăng ký của doanh nghiệp thành lập mới', 'Registered capital of new enterprises', 'tỷ đồng', { s: 'api' });
add('DN_LD', 'Số lao động đăng ký của doanh nghiệp thành lập mới', 'Employees registered by new enterprises', 'người', { s: 'api' });
add('DN_VON_BQ', 'Vốn đăng ký bình quân một doanh nghiệp thành lập mới', 'Average registered capital per new enterprise', 'tỷ đồng/doanh nghiệp', { x: 'DAUTU.DN_VON / DAUTU.DN_MOI', a: 'ratio', sc: 1 });
add('DN_QUAYLAI', 'Số doanh nghiệp quay trở lại hoạt động', 'Enterprises resuming operation', 'doanh nghiệp', { s: 'api' });
add('DN_TAMNGUNG', 'Số doanh nghiệp đăng ký tạm ngừng kinh doanh có thời hạn', 'Enterprises registering a temporary suspension', 'doanh nghiệp', { s: 'api', p: 'lower' });
add('DN_CHOGT', 'Số doanh nghiệp ngừng hoạt động chờ làm thủ tục giải thể', 'Enterprises stopped and awaiting dissolution', 'doanh nghiệp', { s: 'api', p: 'lower' });
add('DN_GT', 'Số doanh nghiệp hoàn tất thủ tục giải thể', 'Enterprises dissolved', 'doanh nghiệp', { s: 'api', p: 'lower' });
add('DN_HD', 'Số doanh nghiệp đang hoạt động', 'Enterprises in operation', 'doanh nghiệp', { f: 'year', s: 'api', stock: true });
add('DN_NGHINDAN', 'Số doanh nghiệp đang hoạt động trên 1.000 dân', 'Enterprises in operation per 1,000 inhabitants', 'doanh nghiệp/nghìn dân', { x: '1000 * DAUTU.DN_HD / DC.DANSO_TB', a: 'ratio', sc: 1000, f: 'year', t: 12 });
add('HKD_MOI', 'Số hộ kinh doanh đăng ký mới', 'Household businesses newly registered', 'hộ');
add('HKD_CHUYEN', 'Số hộ kinh doanh chuyển đổi thành doanh nghiệp', 'Household businesses converted into enterprises', 'doanh nghiệp');
add('HTX_MOI', 'Số hợp tác xã thành lập mới', 'Newly established cooperatives', 'hợp tác xã');
add('CN_VP_MOI', 'Số chi nhánh, văn phòng đại diện, địa điểm kinh doanh đăng ký mới', 'Branches, representative offices and business locations newly registered', 'đơn vị', { s: 'api' });

/* ---- Công nghiệp ---------------------------------------------------------------------------- */
domain('CN', { ag: 'SO-CT', s: 'entered', f: 'month' });
add('IIP', 'Chỉ số sản xuất công nghiệp (IIP) so với cùng kỳ năm trước', 'Index of industrial production (IIP), year on year', '%', { a: 'mean', s: 'imported', t: 108 });
for (const [k, vi, en] of [
    ['KK', 'khai khoáng', 'mining and quarrying'],
    ['CBCT', 'công nghiệp chế biến, chế tạo', 'manufacturing'],
    ['DIEN', 'sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hòa không khí', 'electricity, gas, steam and air conditioning supply'],
    ['NUOC', 'cung cấp nước, hoạt động quản lý và xử lý rác thải, nước thải', 'water supply, sewerage and waste management'],
    ['TP', 'sản xuất, chế biến thực phẩm', 'manufacture of food products'],
    ['DU', 'sản xuất đồ uống', 'manufacture of beverages'],
    ['DET', 'dệt', 'manufacture of textiles'],
    ['TRP', 'sản xuất trang phục', 'manufacture of wearing apparel'],
    ['DA', 'sản xuất da và các sản phẩm có liên quan', 'manufacture of leather and related products'],
    ['GO', 'chế biến gỗ và sản xuất sản phẩm từ gỗ, tre, nứa', 'manufacture of wood and of products of wood and bamboo'],
    ['HC', 'sản xuất hóa chất và sản phẩm hóa chất', 'manufacture of chemicals and chemical products'],
    ['CSN', 'sản xuất sản phẩm từ cao su và plastic', 'manufacture of rubber and plastic products'],
    ['PKL', 'sản xuất sản phẩm từ khoáng phi kim loại khác', 'manufacture of other non-metallic mineral products'],
    ['KL', 'sản xuất kim loại', 'manufacture of basic metals'],
    ['KLDS', 'sản xuất sản phẩm từ kim loại đúc sẵn (trừ máy móc, thiết bị)', 'manufacture of fabricated metal products (except machinery)'],
    ['DT', 'sản xuất sản phẩm điện tử, máy vi tính và sản phẩm quang học', 'manufacture of computer, electronic and optical products'],
    ['TBD', 'sản xuất thiết bị điện', 'manufacture of electrical equipment'],
    ['MM', 'sản xuất máy móc, thiết bị chưa được phân vào đâu', 'manufacture of machinery and equipment n.e.c.'],
    ['XE', 'sản xuất xe có động cơ', 'manufacture of motor vehicles'],
    ['NT', 'sản xuất giường, tủ, bàn, ghế', 'manufacture of furniture'],
]) {
    add(`IIP_${k}`, `Chỉ số sản xuất ngành ${vi} so với cùng kỳ năm trước`, `Index of industrial production, ${en}, year on year`, '%', { a: 'mean', s: 'imported' });
}
for (const [k, vi, en, u] of [
    ['TACN', 'thức ăn gia súc, gia cầm', 'animal feed', 'nghìn tấn'],
    ['BOTNGOT', 'bột ngọt', 'monosodium glutamate', 'tấn'],
    ['CAPHE', 'cà phê hòa tan', 'instant coffee', 'tấn'],
    ['DIEUNHAN', 'hạt điều nhân chế biến', 'processed cashew kernels', 'tấn'],
    ['BIA', 'bia các loại', 'beer', 'triệu lít'],
    ['NGK', 'nước giải khát không cồn', 'soft drinks', 'triệu lít'],
    ['SOI', 'sợi các loại', 'yarn', 'tấn'],
    ['VAI', 'vải thành phẩm', 'finished fabric', 'triệu m²'],
    ['QUANAO', 'quần áo may sẵn', 'ready-made garments', 'triệu cái'],
    ['GIAYDEP', 'giày, dép các loại', 'footwear', 'triệu đôi'],
    ['NOITHAT', 'giường, tủ, bàn, ghế bằng gỗ', 'wooden furniture', 'nghìn cái'],
    ['NPK', 'phân bón NPK', 'NPK fertiliser', 'tấn'],
    ['SON', 'sơn và vecni', 'paints and varnishes', 'tấn'],
    ['LOPXE', 'lốp xe các loại', 'tyres', 'nghìn cái'],
    ['NHUA', 'sản phẩm bằng plastic', 'plastic products', 'tấn'],
    ['XIMANG', 'xi măng', 'cement', 'nghìn tấn'],
    ['GACH', 'gạch xây dựng bằng đất nung', 'fired clay bricks', 'triệu viên'],
    ['DA', 'đá xây dựng', 'construction stone', 'nghìn m³'],
    ['THEP', 'thép thanh, thép góc', 'steel bars and angles', 'tấn'],
    ['DONGCO', 'động cơ điện', 'electric motors', 'nghìn cái'],
    ['CAPDIEN', 'dây và cáp điện', 'electric wire and cable', 'tấn'],
]) {
    add(`SP_${k}`, `Sản lượng ${vi}`, `Output of ${en}`, u, { s: 'imported' });
}
add('GTSX', 'Giá trị sản xuất công nghiệp theo giá so sánh 2010', 'Industrial gross output at constant 2010 prices', 'tỷ đồng', { f: 'quarter', s: 'imported' });
add('TIEUTHU', 'Chỉ số tiêu thụ sản phẩm ngành chế biến, chế tạo so với cùng kỳ năm trước', 'Sales index of manufacturing, year on year', '%', { a: 'mean', s: 'imported' });
add('TONKHO', 'Chỉ số tồn kho ngành chế biến, chế tạo so với cùng kỳ năm trước', 'Inventory index of manufacturing, year on year', '%', { a: 'mean', s: 'imported', p: 'lower' });
add('SDLD', 'Chỉ số sử dụng lao động của doanh nghiệp công nghiệp so với cùng kỳ năm trước', 'Employment index of industrial enterprises, year on year', '%', { a: 'mean', s: 'imported' });
add('KCN', 'Số khu công nghiệp đã thành lập', 'Industrial parks established', 'khu', { f: 'year', stock: true });
add('KCN_DT_THUE', 'Diện tích đất công nghiệp trong khu công nghiệp cho thuê mới', 'Industrial land newly leased in industrial parks', 'ha', { f: 'quarter' });
add('KCN_LAPDAY', 'Tỷ lệ lấp đầy các khu công nghiệp đang hoạt động', 'Occupancy rate of operating industrial parks', '%', {
    f: 'year', t: 80, n: 'diện tích đất công nghiệp đã cho thuê', dn: 'diện tích đất công nghiệp có thể cho thuê', stock: true,
});
add('KCN_DA', 'Số dự án thu hút mới vào các khu công nghiệp', 'New projects attracted to industrial parks', 'dự án', { f: 'quarter' });
add('KCN_VON', 'Vốn đầu tư thu hút mới vào các khu công nghiệp', 'New investment attracted to industrial parks', 'triệu USD', { f: 'quarter' });
add('KCN_LD', 'Số lao động làm việc trong các khu công nghiệp', 'Workers employed in industrial parks', 'người', { f: 'year', stock: true });
add('KCN_XLNT', 'Tỷ lệ khu công nghiệp có hệ thống xử lý nước thải tập trung đạt quy chuẩn', 'Industrial parks with a compliant central wastewater plant', '%', {
    f: 'year', t: 100, n: 'số khu công nghiệp có hệ thống xử lý nước thải tập trung đạt quy chuẩn', dn: 'số khu công nghiệp đang hoạt động', stock: true,
});
add('CCN', 'Số cụm công nghiệp đã thành lập', 'Industrial clusters established', 'cụm', { f: 'year', stock: true });
add('CCN_LAPDAY', 'Tỷ lệ lấp đầy các cụm công nghiệp đang hoạt động', 'Occupancy rate of operating industrial clusters', '%', { f: 'year', t: 70, stock: true });
add('KHUYENCONG', 'Số cơ sở công nghiệp nông thôn được hỗ trợ khuyến công', 'Rural industrial establishments supported by industrial extension', 'cơ sở', { f: 'year' });
add('KP_KHUYENCONG', 'Kinh phí khuyến công đã thực hiện', 'Industrial extension funds spent', 'triệu đồng', { f: 'year' });
add('SP_CNNT', 'Số sản phẩm công nghiệp nông thôn tiêu biểu được công nhận', 'Outstanding rural industrial products recognised', 'sản phẩm', { f: 'year' });

/* ---- Thương mại – dịch vụ ------------------------------------------------------------------- */
domain('TMDV', { ag: 'SO-CT', s: 'imported', f: 'month' });
add('BANLE', 'Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng', 'Retail sales of goods and consumer services revenue', 'tỷ đồng', { t: 30000 });
add('BANLE_HH', 'Doanh thu bán lẻ hàng hóa', 'Retail sales of goods', 'tỷ đồng');
add('DT_LTAU', 'Doanh thu dịch vụ lưu trú, ăn uống', 'Revenue of accommodation and food services', 'tỷ đồng');
add('DT_LH', 'Doanh thu du lịch lữ hành', 'Revenue of travel agencies and tour operators', 'tỷ đồng');
add('DT_DVK', 'Doanh thu dịch vụ tiêu dùng khác', 'Revenue of other consumer services', 'tỷ đồng');
for (const [k, vi, en] of [
    ['LTTP', 'lương thực, thực phẩm', 'food and foodstuffs'],
    ['MAYMAC', 'hàng may mặc', 'garments'],
    ['DODUNG', 'đồ dùng, dụng cụ, trang thiết bị gia đình', 'household appliances and equipment'],
    ['VHGD', 'vật phẩm văn hóa, giáo dục', 'cultural and educational goods'],
    ['GOVL', 'gỗ và vật liệu xây dựng', 'wood and building materials'],
    ['OTO', 'ô tô các loại', 'motor cars'],
    ['PTDL', 'phương tiện đi lại (trừ ô tô, kể cả phụ tùng)', 'vehicles other than cars, including parts'],
    ['XANGDAU', 'xăng, dầu các loại', 'petrol and oil'],
    ['NLK', 'nhiên liệu khác (trừ xăng, dầu)', 'other fuels (except petrol and oil)'],
    ['DAQUY', 'đá quý, kim loại quý và sản phẩm', 'gems, precious metals and their products'],
    ['HHK', 'hàng hóa khác', 'other goods'],
]) {
    add(`BL_${k}`, `Doanh thu bán lẻ nhóm ${vi}`, `Retail sales of ${en}`, 'tỷ đồng');
}
add('XK', 'Kim ngạch xuất khẩu hàng hóa', 'Merchandise exports', 'triệu USD', { t: 2000 });
add('XK_TN', 'Kim ngạch xuất khẩu của khu vực kinh tế trong nước', 'Merchandise exports of the domestic sector', 'triệu USD');
add('XK_FDI', 'Kim ngạch xuất khẩu của khu vực có vốn đầu tư nước ngoài', 'Merchandise exports of the foreign-invested sector', 'triệu USD');
add('XK_TD', 'Tốc độ tăng kim ngạch xuất khẩu hàng hóa so với cùng kỳ năm trước', 'Growth of merchandise exports, year on year', '%', { a: 'last', t: 8 });
for (const [k, vi, en] of [
    ['GIAYDEP', 'giày dép các loại', 'footwear'],
    ['DETMAY', 'hàng dệt, may', 'textiles and garments'],
    ['GO', 'gỗ và sản phẩm gỗ', 'wood and wood products'],
    ['DIEU', 'hạt điều', 'cashew nuts'],
    ['CAPHE', 'cà phê', 'coffee'],
    ['CAOSU', 'cao su', 'natural rubber'],
    ['TIEU', 'hạt tiêu', 'pepper'],
    ['MMTB', 'máy móc, thiết bị, dụng cụ và phụ tùng khác', 'machinery, equipment, tools and parts'],
    ['CHATDEO', 'sản phẩm từ chất dẻo', 'plastic products'],
    ['HOACHAT', 'hóa chất và sản phẩm hóa chất', 'chemicals and chemical products'],
    ['XOSOI', 'xơ, sợi dệt các loại', 'textile fibres and yarn'],
    ['PTVT', 'phương tiện vận tải và phụ tùng', 'transport vehicles and parts'],
    ['SATTHEP', 'sắt thép các loại', 'iron and steel'],
]) {
    add(`XK_${k}`, `Kim ngạch xuất khẩu ${vi}`, `Exports of ${en}`, 'triệu USD');
}
add('NK', 'Kim ngạch nhập khẩu hàng hóa', 'Merchandise imports', 'triệu USD');
for (const [k, vi, en] of [
    ['NPL', 'nguyên phụ liệu dệt, may, da, giày', 'textile, garment, leather and footwear materials'],
    ['CHATDEO', 'chất dẻo nguyên liệu', 'plastics in primary forms'],
    ['MMTB', 'máy móc, thiết bị, dụng cụ, phụ tùng khác', 'machinery, equipment, tools and spare parts'],
    ['SATTHEP', 'sắt thép các loại', 'iron and steel'],
    ['HOACHAT', 'hóa chất', 'chemicals'],
    ['TACN', 'thức ăn gia súc và nguyên liệu', 'animal feed and feed ingredients'],
    ['DIEUTHO', 'hạt điều thô', 'raw cashew nuts'],
    ['BONG', 'bông các loại', 'cotton'],
]) {
    add(`NK_${k}`, `Kim ngạch nhập khẩu ${vi}`, `Imports of ${en}`, 'triệu USD');
}
add('CANCAN', 'Cán cân thương mại hàng hóa', 'Merchandise trade balance', 'triệu USD', { x: 'TMDV.XK - TMDV.NK' });
for (const [k, vi, en, u] of [
    ['CHO', 'Số chợ đang hoạt động', 'Markets in operation', 'chợ'],
    ['SIEUTHI', 'Số siêu thị', 'Supermarkets', 'siêu thị'],
    ['TTTM', 'Số trung tâm thương mại', 'Shopping centres', 'trung tâm'],
    ['CHTL', 'Số cửa hàng tiện lợi', 'Convenience stores', 'cửa hàng'],
    ['CHXD', 'Số cửa hàng bán lẻ xăng dầu', 'Petrol stations', 'cửa hàng'],
]) {
    add(k, vi, en, u, { f: 'year', s: 'entered', stock: true });
}
add('QLTT_VU', 'Số vụ vi phạm trong hoạt động thương mại bị phát hiện, xử lý', 'Commercial violations detected and handled', 'vụ', { s: 'entered', p: 'lower' });
add('QLTT_PHAT', 'Số tiền xử phạt vi phạm hành chính trong hoạt động thương mại', 'Administrative fines for commercial violations', 'triệu đồng', { s: 'entered' });
add('QLTT_HANG', 'Trị giá hàng hóa vi phạm bị tịch thu, tiêu hủy', 'Value of infringing goods confiscated or destroyed', 'triệu đồng', { s: 'entered' });

/* ---- Nông nghiệp ------------------------------------------------------------------------------ */
domain('NN', { ag: 'SO-NNMT', s: 'entered', f: 'quarter' });
add('GTSX', 'Giá trị sản xuất nông, lâm nghiệp và thủy sản theo giá so sánh 2010', 'Gross output of agriculture, forestry and fishing at constant 2010 prices', 'tỷ đồng', { s: 'imported' });
add('GTSX_TD', 'Tốc độ tăng giá trị sản xuất nông, lâm nghiệp và thủy sản', 'Growth of agricultural, forestry and fishery output', '%', { a: 'last', f: 'year', s: 'imported', t: 3.5 });
add('DT_HN', 'Diện tích gieo trồng cây hằng năm', 'Sown area of annual crops', 'ha', { f: 'year' });
add('DT_LN', 'Diện tích cây lâu năm hiện có', 'Area under perennial crops', 'ha', { f: 'year', stock: true });
add('SL_LT', 'Sản lượng lương thực có hạt', 'Cereal production', 'tấn', { f: 'year' });
for (const [k, vi, en, prod] of [
    ['LUA', 'lúa', 'paddy', 'lúa'],
    ['NGO', 'ngô', 'maize', 'ngô'],
    ['SAN', 'sắn', 'cassava', 'sắn'],
    ['KHOAI', 'khoai lang', 'sweet potatoes', 'khoai lang'],
    ['RAU', 'rau các loại', 'vegetables', 'rau các loại'],
    ['DAU', 'đậu các loại', 'pulses', 'đậu các loại'],
    ['MIA', 'mía', 'sugar cane', 'mía'],
    ['LAC', 'lạc', 'groundnuts', 'lạc'],
]) {
    const area = add(`DT_${k}`, `Diện tích gieo trồng ${vi}`, `Sown area of ${en}`, 'ha', { f: 'year' });
    add(`NS_${k}`, `Năng suất ${vi}`, `Yield of ${en}`, 'tạ/ha', { f: 'year', a: 'wmean', w: area.code });
    add(`SL_${k}`, `Sản lượng ${prod}`, `Production of ${en}`, 'tấn', { f: 'year' });
}
for (const [k, vi, en, prod, prodEn] of [
    ['CAOSU', 'cao su', 'rubber', 'mủ cao su', 'natural rubber latex'],
    ['DIEU', 'điều', 'cashew', 'hạt điều', 'cashew nuts'],
    ['TIEU', 'hồ tiêu', 'pepper', 'hồ tiêu', 'pepper'],
    ['CAPHE', 'cà phê', 'coffee', 'cà phê nhân', 'green coffee'],
    ['SAURIENG', 'sầu riêng', 'durian', 'sầu riêng', 'durian fruit'],
    ['BUOI', 'bưởi', 'pomelo', 'bưởi', 'pomelo fruit'],
    ['XOAI', 'xoài', 'mango', 'xoài', 'mango fruit'],
    ['CHUOI', 'chuối', 'banana', 'chuối', 'bananas'],
    ['CHOMCHOM', 'chôm chôm', 'rambutan', 'chôm chôm', 'rambutan fruit'],
]) {
    add(`DT_${k}`, `Diện tích cây ${vi} hiện có`, `Area under ${en}`, 'ha', { f: 'year', stock: true });
    add(`DTKD_${k}`, `Diện tích cây ${vi} cho sản phẩm`, `Bearing area of ${en}`, 'ha', { f: 'year', stock: true });
    add(`SL_${k}`, `Sản lượng ${prod} thu hoạch`, `Production of ${prodEn}`, 'tấn', { f: 'year' });
}
for (const [k, vi, en, u] of [
    ['LON', 'lợn', 'pigs', 'con'],
    ['BO', 'bò', 'cattle', 'con'],
    ['TRAU', 'trâu', 'buffaloes', 'con'],
    ['DE', 'dê', 'goats', 'con'],
    ['GIACAM', 'gia cầm', 'poultry', 'nghìn con'],
]) {
    add(`DAN_${k}`, `Tổng đàn ${vi}`, `Number of ${en}`, u, { f: 'year', stock: true });
}
add('THIT_LON', 'Sản lượng thịt lợn hơi xuất chuồng', 'Live-weight pork production', 'tấn');
add('THIT_BO', 'Sản lượng thịt bò hơi xuất chuồng', 'Live-weight beef production', 'tấn');
add('THIT_GC', 'Sản lượng thịt gia cầm hơi xuất chuồng', 'Live-weight poultry meat production', 'tấn');
add('TRUNG', 'Sản lượng trứng gia cầm', 'Poultry egg production', 'nghìn quả');
add('SUA', 'Sản lượng sữa bò tươi', 'Fresh cow milk production', 'tấn');
add('TRANGTRAI', 'Số trang trại chăn nuôi', 'Livestock farms', 'trang trại', { f: 'year', stock: true });
add('ASF_TIEUHUY', 'Số lợn mắc bệnh dịch tả lợn châu Phi phải tiêu hủy', 'Pigs culled for African swine fever', 'con', { f: 'month', p: 'lower' });
add('O_CUMGC', 'Số ổ dịch cúm gia cầm phát sinh', 'Avian influenza outbreaks', 'ổ dịch', { f: 'month', p: 'lower' });
add('O_ASF', 'Số ổ dịch tả lợn châu Phi phát sinh', 'African swine fever outbreaks', 'ổ dịch', { f: 'month', p: 'lower' });
add('TL_TP_LMLM', 'Tỷ lệ đàn gia súc được tiêm phòng lở mồm long móng', 'Livestock vaccinated against foot-and-mouth disease', '%', { t: 80, n: 'số con được tiêm phòng', dn: 'tổng đàn thuộc diện tiêm phòng' });
add('TL_TP_DAI', 'Tỷ lệ chó, mèo được tiêm phòng bệnh dại', 'Dogs and cats vaccinated against rabies', '%', { t: 70, n: 'số chó, mèo được tiêm phòng', dn: 'tổng số chó, mèo được quản lý' });
add('RUNG_TRONG', 'Diện tích rừng trồng mới tập trung', 'Area of new concentrated forest plantations', 'ha', { f: 'year' });
add('GO_KT', 'Sản lượng gỗ khai thác', 'Timber harvested', 'm³');
add('RUNG_THIETHAI', 'Diện tích rừng bị thiệt hại', 'Forest area damaged', 'ha', { p: 'lower' });
add('VP_LAMNGHIEP', 'Số vụ vi phạm pháp luật về lâm nghiệp', 'Forestry law violations', 'vụ', { f: 'month', p: 'lower' });
add('CHAY_RUNG', 'Số vụ cháy rừng', 'Forest fires', 'vụ', { f: 'month', p: 'lower', t: 0, th: 'amber=1;red=3' });
add('RUNG_KHOAN', 'Diện tích rừng được giao khoán bảo vệ', 'Forest area under protection contracts', 'ha', { f: 'year', stock: true });
add('TL_CHEPHU', 'Tỷ lệ che phủ rừng', 'Forest cover', '%', { f: 'year', t: 29, th: 'amber=28;red=27', n: 'diện tích có rừng', dn: 'tổng diện tích tự nhiên', stock: true });
add('TS', 'Sản lượng thủy sản', 'Fishery production', 'tấn');
add('TS_NUOI', 'Sản lượng thủy sản nuôi trồng', 'Aquaculture production', 'tấn');
add('TS_KT', 'Sản lượng thủy sản khai thác', 'Capture fishery production', 'tấn');
add('DT_NUOITS', 'Diện tích nuôi trồng thủy sản', 'Aquaculture area', 'ha', { f: 'year', stock: true });
add('LONGBE', 'Số lồng, bè nuôi thủy sản', 'Fish cages and rafts', 'lồng, bè', { f: 'year', stock: true });
add('XA_NTM', 'Số xã đạt chuẩn nông thôn mới', 'Communes meeting the new rural development standard', 'xã', { f: 'year', stock: true });
add('XA_NTM_NC', 'Số xã đạt chuẩn nông thôn mới nâng cao', 'Communes meeting the advanced new rural standard', 'xã', { f: 'year', stock: true });
add('XA_NTM_KM', 'Số xã đạt chuẩn nông thôn mới kiểu mẫu', 'Communes meeting the model new rural standard', 'xã', { f: 'year', stock: true });
add('TL_XA_NTM', 'Tỷ lệ xã đạt chuẩn nông thôn mới', 'Share of communes meeting the new rural standard', '%', { f: 'year', t: 100, n: 'số xã đạt chuẩn nông thôn mới', dn: 'tổng số xã', stock: true });
add('OCOP', 'Số sản phẩm OCOP được công nhận', 'OCOP products certified', 'sản phẩm', { f: 'year' });
add('OCOP_4S', 'Số sản phẩm OCOP đạt 4 sao trở lên', 'OCOP products rated four stars or more', 'sản phẩm', { f: 'year' });
add('HTX_NN', 'Số hợp tác xã nông nghiệp đang hoạt động', 'Agricultural cooperatives in operation', 'hợp tác xã', { f: 'year', stock: true });
add('DT_CNC', 'Diện tích sản xuất nông nghiệp ứng dụng công nghệ cao', 'Farm area using high technology', 'ha', { f: 'year', stock: true });
add('DT_VUNGTRONG', 'Diện tích cây trồng được cấp mã số vùng trồng', 'Crop area with a growing-area code', 'ha', { f: 'year', stock: true });
add('MS_VUNGTRONG', 'Số mã số vùng trồng được cấp', 'Growing-area codes issued', 'mã số', { f: 'year' });
add('DT_VIETGAP', 'Diện tích sản xuất theo tiêu chuẩn VietGAP', 'Area farmed to VietGAP standards', 'ha', { f: 'year', stock: true });
add('DT_HUUCO', 'Diện tích sản xuất nông nghiệp hữu cơ', 'Organic farm area', 'ha', { f: 'year', stock: true });
add('TL_LIENKET', 'Tỷ lệ giá trị sản phẩm nông nghiệp được sản xuất theo hình thức hợp tác, liên kết', 'Share of farm output produced under cooperation and linkage', '%', { f: 'year', t: 30 });
add('TN_NONGTHON', 'Thu nhập bình quân đầu người khu vực nông thôn', 'Average income per capita in rural areas', 'triệu đồng/người/năm', { f: 'year', a: 'wmean', w: 'DC.DANSO_NT', t: 90 });
add('DT_TUOI', 'Diện tích cây trồng được tưới chủ động', 'Crop area under controlled irrigation', 'ha', { f: 'year', stock: true });
add('CT_THUYLOI', 'Số công trình thủy lợi đang khai thác', 'Irrigation works in operation', 'công trình', { f: 'year', stock: true });
add('TL_TUOI_TK', 'Tỷ lệ diện tích cây trồng cạn được tưới tiên tiến, tiết kiệm nước', 'Upland crop area under water-saving irrigation', '%', { f: 'year', t: 25, stock: true });
add('MAU_BVTV', 'Số mẫu nông sản vượt mức giới hạn dư lượng thuốc bảo vệ thực vật', 'Produce samples above pesticide residue limits', 'mẫu', { p: 'lower' });
add('DT_SAUBENH', 'Diện tích cây trồng bị nhiễm sâu bệnh', 'Crop area infested by pests and diseases', 'ha', { f: 'month', p: 'lower' });

/* ---- Tài nguyên – đất đai --------------------------------------------------------------------- */
domain('TNDD', { ag: 'SO-NNMT', s: 'entered', f: 'year' });
add('DT_TUNHIEN', 'Tổng diện tích đất tự nhiên', 'Total natural area', 'ha', { stock: true });
for (const [k, vi, en] of [
    ['NN', 'đất nông nghiệp', 'agricultural land'],
    ['LUA', 'đất trồng lúa', 'paddy land'],
    ['RSX', 'đất rừng sản xuất', 'production forest land'],
    ['RPH', 'đất rừng phòng hộ', 'protection forest land'],
    ['RDD', 'đất rừng đặc dụng', 'special-use forest land'],
    ['PNN', 'đất phi nông nghiệp', 'non-agricultural land'],
    ['ODT', 'đất ở tại đô thị', 'urban residential land'],
    ['ONT', 'đất ở tại nông thôn', 'rural residential land'],
    ['SKK', 'đất khu công nghiệp', 'industrial park land'],
]) {
    add(`DT_${k}`, `Diện tích ${vi}`, `Area of ${en}`, 'ha', { stock: true });
}
add('DT_CSD', 'Diện tích đất chưa sử dụng', 'Area of unused land', 'ha', { stock: true, p: 'lower' });
add('GCN_LD', 'Số giấy chứng nhận quyền sử dụng đất cấp lần đầu', 'Land use right certificates issued for the first time', 'giấy chứng nhận', { f: 'month' });
add('GCN_DT', 'Diện tích đất được cấp giấy chứng nhận lần đầu', 'Land area certified for the first time', 'ha', { f: 'month' });
add('TL_GCN', 'Tỷ lệ diện tích đất đủ điều kiện đã được cấp giấy chứng nhận lần đầu', 'Share of eligible land certified', '%', {
    t: 98, n: 'diện tích đã cấp giấy chứng nhận', dn: 'diện tích đủ điều kiện cấp giấy chứng nhận', stock: true,
});
add('HS_BIENDONG', 'Số hồ sơ đăng ký biến động đất đai tiếp nhận', 'Land change registrations received', 'hồ sơ', { f: 'month', s: 'api' });
add('HS_BD_TRE', 'Số hồ sơ đăng ký đất đai giải quyết quá hạn', 'Land registrations handled late', 'hồ sơ', { f: 'month', s: 'api', p: 'lower' });
add('DT_THUHOI', 'Diện tích đất thu hồi', 'Land area recovered by the State', 'ha', { f: 'quarter' });
add('DT_GIAOTHUE', 'Diện tích đất giao, cho thuê', 'Land area allocated or leased', 'ha', { f: 'quarter' });
add('DT_CMD', 'Diện tích đất chuyển mục đích sử dụng', 'Land area with a change of use', 'ha', { f: 'quarter' });
add('DA_THUHOI', 'Số dự án có quyết định thu hồi đất', 'Projects with a land recovery decision', 'dự án', { f: 'quarter' });
add('HO_THUHOI', 'Số hộ gia đình, cá nhân bị ảnh hưởng bởi thu hồi đất', 'Households affected by land recovery', 'hộ', { f: 'quarter' });
add('HO_TDC', 'Số hộ được bố trí tái định cư', 'Households resettled', 'hộ', { f: 'quarter' });
add('KP_BT', 'Kinh phí bồi thường, hỗ trợ, tái định cư đã chi trả', 'Compensation, support and resettlement paid', 'tỷ đồng', { f: 'quarter' });
add('TL_MB_TD', 'Tỷ lệ diện tích mặt bằng đã bàn giao cho các dự án trọng điểm', 'Site area handed over to key projects', '%', {
    f: 'quarter', t: 100, n: 'diện tích mặt bằng đã bàn giao', dn: 'tổng diện tích phải thu hồi của các dự án trọng điểm', stock: true,
});
add('VP_DATDAI', 'Số vụ vi phạm pháp luật đất đai được phát hiện', 'Land law violations detected', 'vụ', { f: 'month', p: 'lower' });
add('DON_DATDAI', 'Số đơn khiếu nại, tố cáo về đất đai tiếp nhận', 'Land complaints and denunciations received', 'đơn', { f: 'month', p: 'lower' });
add('TL_CSDL_DD', 'Tỷ lệ xã có cơ sở dữ liệu đất đai được đưa vào vận hành', 'Communes with an operating land database', '%', { t: 100, n: 'số xã có cơ sở dữ liệu đất đai vận hành', dn: 'tổng số xã', stock: true });
add('GP_KS', 'Số giấy phép khai thác khoáng sản còn hiệu lực', 'Mining licences in force', 'giấy phép', { stock: true });
add('SL_KS_VLXD', 'Sản lượng khoáng sản làm vật liệu xây dựng được khai thác', 'Construction minerals extracted', 'nghìn m³', { f: 'quarter' });
add('VP_KS', 'Số vụ khai thác khoáng sản trái phép bị phát hiện', 'Illegal mining cases detected', 'vụ', { f: 'month', p: 'lower' });
add('TIEN_CQKS', 'Tiền cấp quyền khai thác khoáng sản', 'Mineral extraction right fees', 'tỷ đồng', { f: 'quarter' });
add('GP_NUOC', 'Số giấy phép tài nguyên nước được cấp', 'Water resource permits issued', 'giấy phép', { f: 'quarter' });
add('GIA_DAT', 'Số lượt xác định giá đất cụ thể được phê duyệt', 'Specific land prices approved', 'lượt', { f: 'quarter' });

/* ---- Môi trường -------------------------------------------------------------------------------- */
domain('MT', { ag: 'SO-NNMT', s: 'entered', f: 'month' });
const air = { f: 'day', s: 'telemetry', a: 'mean', p: 'lower' };
add('PM25', 'Nồng độ bụi PM2,5 trung bình 24 giờ', 'PM2.5 concentration, 24-hour mean', 'µg/m³', { ...air, t: 25, th: 'amber=25;red=50' });
add('PM10', 'Nồng độ bụi PM10 trung bình 24 giờ', 'PM10 concentration, 24-hour mean', 'µg/m³', { ...air, t: 50, th: 'amber=50;red=100' });
add('TSP', 'Nồng độ bụi tổng số (TSP) trung bình 24 giờ', 'Total suspended particles (TSP), 24-hour mean', 'µg/m³', { ...air, th: 'amber=150;red=200' });
add('NO2', 'Nồng độ NO₂ trung bình 24 giờ', 'NO₂ concentration, 24-hour mean', 'µg/m³', { ...air, th: 'amber=80;red=100' });
add('SO2', 'Nồng độ SO₂ trung bình 24 giờ', 'SO₂ concentration, 24-hour mean', 'µg/m³', { ...air, th: 'amber=100;red=125' });
add('CO', 'Nồng độ CO trung bình 8 giờ lớn nhất trong ngày', 'CO concentration, highest 8-hour mean of the day', 'µg/m³', { ...air, a: 'max', th: 'amber=8000;red=10000' });
add('O3', 'Nồng độ O₃ trung bình 8 giờ lớn nhất trong ngày', 'O₃ concentration, highest 8-hour mean of the day', 'µg/m³', { ...air, a: 'max', th: 'amber=80;red=100' });
add('AQI', 'Chỉ số chất lượng không khí (VN_AQI) trung bình ngày', 'Air quality index (VN_AQI), daily mean', 'AQI', { ...air, t: 50, th: 'amber=101;red=151' });
add('AQI_MAX', 'Chỉ số chất lượng không khí (VN_AQI) giờ cao nhất trong ngày', 'Air quality index (VN_AQI), highest hour of the day', 'AQI', { ...air, a: 'max', th: 'amber=101;red=201' });
add('AQI_NGAY_XAU', 'Số ngày có chỉ số chất lượng không khí (VN_AQI) trên 100', 'Days with air quality index (VN_AQI) over 100', 'ngày', { f: 'day', s: 'telemetry', p: 'lower' });
add('NGAY_AQI_TOT', 'Số lượt ngày – trạm có chất lượng không khí tốt (VN_AQI không quá 50)', 'Station-days with good air quality (VN_AQI 50 or less)', 'ngày-trạm', { s: 'telemetry' });
add('NGAY_AQI_KEM', 'Số lượt ngày – trạm có chất lượng không khí kém (VN_AQI trên 150)', 'Station-days with poor air quality (VN_AQI over 150)', 'ngày-trạm', { s: 'telemetry', p: 'lower' });
add('GIO_PM25', 'Số giờ nồng độ bụi PM2,5 vượt quy chuẩn', 'Hours with PM2.5 above the national standard', 'giờ', { f: 'day', s: 'telemetry', p: 'lower' });
add('ON_NGAY', 'Mức ồn trung bình ban ngày (6 giờ đến 21 giờ)', 'Mean daytime noise level (6:00 to 21:00)', 'dBA', { ...air, th: 'amber=65;red=70' });
add('ON_DEM', 'Mức ồn trung bình ban đêm (21 giờ đến 6 giờ)', 'Mean night-time noise level (21:00 to 6:00)', 'dBA', { ...air, th: 'amber=50;red=55' });
const water = { f: 'day', s: 'telemetry', a: 'mean' };
add('WQI', 'Chỉ số chất lượng nước mặt (VN_WQI) trung bình ngày', 'Surface water quality index (VN_WQI), daily mean', 'WQI', { ...water, t: 76, th: 'amber=75;red=50' });
add('DO', 'Nồng độ oxy hòa tan (DO) trong nước mặt', 'Dissolved oxygen (DO) in surface water', 'mg/l', { ...water, th: 'amber=5;red=4' });
add('DO_MIN', 'Nồng độ oxy hòa tan (DO) thấp nhất trong nước mặt', 'Lowest dissolved oxygen (DO) in surface water', 'mg/l', { ...water, a: 'min', th: 'amber=4;red=2' });
add('COD', 'Nhu cầu oxy hóa học (COD) trong nước mặt', 'Chemical oxygen demand (COD) in surface water', 'mg/l', { ...water, p: 'lower', th: 'amber=10;red=15' });
add('BOD5', 'Nhu cầu oxy sinh hóa (BOD₅) trong nước mặt', 'Biochemical oxygen demand (BOD₅) in surface water', 'mg/l', { ...water, p: 'lower', th: 'amber=4;red=6' });
add('NH4', 'Nồng độ amoni (NH₄⁺ tính theo N) trong nước mặt', 'Ammonium (NH₄⁺ as N) in surface water', 'mg/l', { ...water, p: 'lower', th: 'amber=0.3;red=0.9' });
add('TSS', 'Tổng chất rắn lơ lửng (TSS) trong nước mặt', 'Total suspended solids (TSS) in surface water', 'mg/l', { ...water, p: 'lower', th: 'amber=20;red=30' });
add('NT_CN', 'Lưu lượng nước thải công nghiệp được xử lý', 'Industrial wastewater treated', 'm³');
add('TL_NT_DT', 'Tỷ lệ nước thải sinh hoạt đô thị được thu gom, xử lý đạt quy chuẩn', 'Urban domestic wastewater collected and treated to standard', '%', { f: 'year', t: 40, n: 'lượng nước thải được xử lý đạt quy chuẩn', dn: 'tổng lượng nước thải sinh hoạt đô thị phát sinh' });
add('TRAM_NT', 'Số trạm quan trắc nước thải tự động truyền số liệu về Sở', 'Automatic wastewater monitoring stations reporting', 'trạm', { f: 'year', stock: true });
add('NT_VUOT', 'Số lần vượt quy chuẩn tại trạm quan trắc nước thải tự động', 'Exceedances at automatic wastewater monitoring stations', 'lần', { s: 'telemetry', p: 'lower' });
add('CTR_PS', 'Khối lượng chất thải rắn sinh hoạt phát sinh', 'Domestic solid waste generated', 'tấn', { p: 'lower' });
add('CTR_XL', 'Khối lượng chất thải rắn sinh hoạt được thu gom, xử lý', 'Domestic solid waste collected and treated', 'tấn');
add('TL_CTR', 'Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý', 'Share of domestic solid waste collected and treated', '%', { x: '100 * MT.CTR_XL / MT.CTR_PS', t: 98 });
add('TL_CTR_DT', 'Tỷ lệ chất thải rắn sinh hoạt đô thị được thu gom, xử lý', 'Share of urban domestic solid waste collected and treated', '%', { t: 99, n: 'khối lượng được thu gom, xử lý', dn: 'khối lượng phát sinh ở đô thị' });
add('TL_CTR_NT', 'Tỷ lệ chất thải rắn sinh hoạt nông thôn được thu gom, xử lý', 'Share of rural domestic solid waste collected and treated', '%', { t: 95, n: 'khối lượng được thu gom, xử lý', dn: 'khối lượng phát sinh ở nông thôn' });
add('TL_CTR_PL', 'Tỷ lệ chất thải rắn sinh hoạt được phân loại tại nguồn', 'Domestic solid waste sorted at source', '%', { t: 30 });
add('TL_CTR_CL', 'Tỷ lệ chất thải rắn sinh hoạt được xử lý bằng phương pháp chôn lấp trực tiếp', 'Domestic solid waste disposed of by direct landfill', '%', { p: 'lower', t: 10, th: 'amber=15;red=25' });
add('CTNH', 'Khối lượng chất thải nguy hại được thu gom, xử lý', 'Hazardous waste collected and treated', 'tấn');
add('CTR_CN', 'Khối lượng chất thải rắn công nghiệp thông thường phát sinh', 'Ordinary industrial solid waste generated', 'tấn', { p: 'lower' });
add('CS_KTMT', 'Số cơ sở được thanh tra, kiểm tra về bảo vệ môi trường', 'Establishments inspected for environmental protection', 'cơ sở');
add('CS_VPMT', 'Số cơ sở vi phạm pháp luật về bảo vệ môi trường bị xử phạt', 'Establishments fined for environmental violations', 'cơ sở', { p: 'lower' });
add('PHAT_MT', 'Số tiền xử phạt vi phạm hành chính về bảo vệ môi trường', 'Administrative fines for environmental violations', 'triệu đồng');
add('CS_ONHIEM', 'Số cơ sở gây ô nhiễm môi trường nghiêm trọng chưa xử lý triệt để', 'Seriously polluting establishments not yet remedied', 'cơ sở', { f: 'year', p: 'lower', stock: true, t: 0, th: 'amber=1;red=5' });
add('GPMT', 'Số giấy phép môi trường được cấp', 'Environmental permits issued', 'giấy phép');
add('DTM', 'Số báo cáo đánh giá tác động môi trường được phê duyệt', 'Environmental impact assessments approved', 'báo cáo');
add('TRAM_KK', 'Số trạm quan trắc không khí tự động, liên tục', 'Automatic air monitoring stations', 'trạm', { f: 'year', stock: true });

/* ---- Xây dựng – đô thị -------------------------------------------------------------------------- */
domain('XDDT', { ag: 'SO-XD', s: 'entered', f: 'quarter' });
add('TL_DTH', 'Tỷ lệ đô thị hóa', 'Urbanisation rate', '%', { x: '100 * DC.DANSO_TT / DC.DANSO_TB', f: 'year', t: 50 });
add('GPXD', 'Số giấy phép xây dựng được cấp', 'Building permits issued', 'giấy phép', { f: 'month', s: 'api' });
add('VP_TTXD', 'Số công trình vi phạm trật tự xây dựng được phát hiện', 'Building order violations detected', 'công trình', { f: 'month', p: 'lower' });
add('VP_TTXD_XL', 'Số công trình vi phạm trật tự xây dựng đã được xử lý', 'Building order violations handled', 'công trình', { f: 'month' });
add('TL_VP_XL', 'Tỷ lệ công trình vi phạm trật tự xây dựng được xử lý', 'Share of building order violations handled', '%', { x: '100 * XDDT.VP_TTXD_XL / XDDT.VP_TTXD', t: 100 });
add('KHONGPHEP', 'Số công trình xây dựng không phép, sai phép', 'Buildings without or against a permit', 'công trình', { f: 'month', p: 'lower' });
add('NHAO_DT', 'Diện tích nhà ở xây dựng mới hoàn thành', 'Floor area of new dwellings completed', 'm²');
add('NHAO_BQ', 'Diện tích nhà ở bình quân đầu người', 'Dwelling floor area per capita', 'm²/người', { f: 'year', a: 'wmean', w: 'DC.DANSO_TB', t: 30 });
add('NOXH_HT', 'Số căn nhà ở xã hội hoàn thành', 'Social housing units completed', 'căn', { t: 1500 });
add('NOXH_XD', 'Số căn nhà ở xã hội đang xây dựng', 'Social housing units under construction', 'căn', { f: 'year', stock: true });
add('NOCN_HT', 'Số căn nhà ở cho công nhân khu công nghiệp hoàn thành', 'Housing units for industrial workers completed', 'căn');
add('DA_NOTM', 'Số dự án nhà ở thương mại đang triển khai', 'Commercial housing projects under way', 'dự án', { f: 'year', stock: true });
add('CANHO_TM', 'Số căn hộ nhà ở thương mại hoàn thành', 'Commercial housing units completed', 'căn');
add('TL_NHA_KC', 'Tỷ lệ nhà ở kiên cố', 'Share of permanent dwellings', '%', { f: 'year', t: 90, n: 'số nhà ở kiên cố', dn: 'tổng số nhà ở', stock: true });
add('TL_NHA_DS', 'Tỷ lệ nhà ở đơn sơ', 'Share of makeshift dwellings', '%', { f: 'year', p: 'lower', t: 0.5, th: 'amber=1;red=2', n: 'số nhà ở đơn sơ', dn: 'tổng số nhà ở', stock: true });
add('TL_QHPK', 'Tỷ lệ diện tích đô thị được phủ kín quy hoạch phân khu', 'Urban area covered by zoning plans', '%', { f: 'year', t: 100, stock: true });
add('TL_QHCT', 'Tỷ lệ diện tích đô thị được phủ kín quy hoạch chi tiết', 'Urban area covered by detailed plans', '%', { f: 'year', t: 70, stock: true });
add('TL_QHC_XA', 'Tỷ lệ xã có quy hoạch chung được phê duyệt', 'Communes with an approved general plan', '%', { f: 'year', t: 100, n: 'số xã có quy hoạch chung được phê duyệt', dn: 'tổng số xã', stock: true });
add('DOAN_QH', 'Số đồ án quy hoạch được phê duyệt', 'Planning schemes approved', 'đồ án');
add('CAYXANH', 'Diện tích cây xanh công cộng bình quân đầu người khu vực nội thị', 'Public green space per urban inhabitant', 'm²/người', { f: 'year', a: 'wmean', w: 'DC.DANSO_TT', t: 7 });
add('TL_CHIEUSANG', 'Tỷ lệ chiều dài đường đô thị được chiếu sáng', 'Urban street length with public lighting', '%', { f: 'year', t: 100, stock: true });
add('DIEM_NGAP', 'Số điểm ngập úng đô thị khi mưa lớn', 'Urban flooding hot spots in heavy rain', 'điểm', { f: 'year', p: 'lower', stock: true });
add('TL_THOATNUOC', 'Tỷ lệ diện tích đô thị có hệ thống thoát nước mưa', 'Urban area with storm-water drainage', '%', { f: 'year', t: 80, stock: true });
add('CD_THOATNUOC', 'Chiều dài hệ thống cống thoát nước đô thị', 'Length of urban drains', 'km', { f: 'year', stock: true });
add('SO_DOTHI', 'Số đô thị', 'Urban centres', 'đô thị', { f: 'year', stock: true });
add('BAIDOXE', 'Số bãi đỗ xe công cộng', 'Public car parks', 'bãi', { f: 'year', stock: true });
add('CT_NGHIEMTHU', 'Số công trình được kiểm tra công tác nghiệm thu', 'Works inspected at acceptance', 'công trình');
add('SUCO_CT', 'Số sự cố công trình xây dựng', 'Construction failures', 'vụ', { p: 'lower' });
add('TNLD_XD', 'Số vụ tai nạn lao động trong thi công xây dựng', 'Occupational accidents on construction sites', 'vụ', { p: 'lower' });
add('GIA_XD', 'Chỉ số giá xây dựng công trình so với cùng kỳ năm trước', 'Construction price index, year on year', '%', { a: 'mean', p: 'lower' });
add('GTSX_XD', 'Giá trị sản xuất ngành xây dựng theo giá hiện hành', 'Gross output of construction at current prices', 'tỷ đồng', { s: 'imported' });
add('GD_BDS', 'Số giao dịch bất động sản thành công', 'Real estate transactions completed', 'giao dịch');
add('VLXD_XM', 'Giá bán lẻ xi măng bình quân', 'Average retail price of cement', 'đồng/tấn', { a: 'mean', f: 'month', p: 'lower' });

/* ---- Giao thông – vận tải ------------------------------------------------------------------------ */
domain('GTVT', { ag: 'SO-XD', s: 'entered', f: 'month' });
add('DB_TONG', 'Tổng chiều dài đường bộ', 'Total road length', 'km', { f: 'year', stock: true });
for (const [k, vi, en] of [
    ['QL', 'quốc lộ', 'national roads'],
    ['DT', 'đường tỉnh', 'provincial roads'],
    ['DDT', 'đường đô thị', 'urban roads'],
    ['DX', 'đường xã', 'commune roads'],
    ['CT', 'đường cao tốc đang khai thác', 'expressways in operation'],
]) {
    add(`DB_${k}`, `Chiều dài ${vi}`, `Length of ${en}`, 'km', { f: 'year', stock: true });
}
add('TL_DX_CH', 'Tỷ lệ chiều dài đường xã được cứng hóa', 'Commune roads with a hard surface', '%', { f: 'year', t: 100, n: 'chiều dài đường xã được cứng hóa', dn: 'tổng chiều dài đường xã', stock: true });
add('CAU_YEU', 'Số cầu yếu cần thay thế', 'Weak bridges to be replaced', 'cầu', { f: 'year', p: 'lower', stock: true });
add('DB_DUYTU', 'Chiều dài đường được duy tu, sửa chữa', 'Road length maintained or repaired', 'km', { f: 'quarter' });
add('HH_VC', 'Khối lượng hàng hóa vận chuyển', 'Freight transported', 'nghìn tấn', { s: 'imported' });
add('HH_LC', 'Khối lượng hàng hóa luân chuyển', 'Freight tonne-kilometres', 'triệu tấn.km', { s: 'imported' });
add('HK_VC', 'Số lượt hành khách vận chuyển', 'Passengers carried', 'nghìn lượt khách', { s: 'imported' });
add('HK_LC', 'Số lượt hành khách luân chuyển', 'Passenger-kilometres', 'triệu lượt khách.km', { s: 'imported' });
add('DT_VT', 'Doanh thu vận tải, kho bãi và dịch vụ hỗ trợ vận tải', 'Revenue of transport, storage and support services', 'tỷ đồng', { s: 'imported' });
add('CANG_HH', 'Sản lượng hàng hóa thông qua cảng biển', 'Cargo handled at seaports', 'nghìn tấn');
add('CANG_TEU', 'Sản lượng container thông qua cảng biển', 'Containers handled at seaports', 'TEU');
add('CANG_TAU', 'Số lượt tàu biển ra, vào cảng', 'Ship calls at seaports', 'lượt');
add('BUYT_TUYEN', 'Số tuyến xe buýt đang hoạt động', 'Bus routes in operation', 'tuyến', { f: 'year', stock: true });
add('BUYT_HK', 'Số lượt hành khách đi xe buýt', 'Bus passengers', 'lượt khách');
add('BUYT_CHUYEN', 'Số chuyến xe buýt thực hiện', 'Bus trips operated', 'chuyến', { f: 'day', s: 'telemetry' });
add('TL_BUYT_DG', 'Tỷ lệ chuyến xe buýt xuất bến đúng giờ', 'Bus trips departing on time', '%', { f: 'day', s: 'telemetry', t: 95, n: 'số chuyến xuất bến đúng giờ', dn: 'số chuyến theo biểu đồ chạy xe' });
add('OTO_MOI', 'Số ô tô đăng ký mới', 'Cars newly registered', 'xe', { ag: 'CA', s: 'api' });
add('XEMAY_MOI', 'Số mô tô, xe máy đăng ký mới', 'Motorcycles newly registered', 'xe', { ag: 'CA', s: 'api' });
add('OTO_LH', 'Tổng số ô tô đang lưu hành', 'Cars in circulation', 'xe', { f: 'year', ag: 'CA', stock: true });
add('KIEMDINH', 'Số lượt phương tiện cơ giới được kiểm định', 'Vehicle inspections carried out', 'lượt xe');
add('GPLX', 'Số giấy phép lái xe được cấp', 'Driving licences issued', 'giấy phép', { ag: 'CA', s: 'api' });
const tngt = { ag: 'CA', p: 'lower' };
add('TNGT_VU', 'Số vụ tai nạn giao thông đường bộ', 'Road traffic accidents', 'vụ', { ...tngt, t: 30 });
add('TNGT_CHET', 'Số người chết do tai nạn giao thông đường bộ', 'Road traffic deaths', 'người', { ...tngt, t: 25 });
add('TNGT_BT', 'Số người bị thương do tai nạn giao thông đường bộ', 'Road traffic injuries', 'người', tngt);
add('TNGT_DT', 'Số vụ tai nạn giao thông đường thủy nội địa', 'Inland waterway accidents', 'vụ', tngt);
add('TNGT_DS', 'Số vụ tai nạn giao thông đường sắt', 'Railway accidents', 'vụ', tngt);
add('VACHAM', 'Số vụ va chạm giao thông', 'Minor traffic collisions', 'vụ', tngt);
add('VP_ATGT', 'Số trường hợp vi phạm trật tự an toàn giao thông bị xử lý', 'Traffic offences handled', 'trường hợp', { ag: 'CA' });
add('PHAT_ATGT', 'Số tiền xử phạt vi phạm trật tự an toàn giao thông', 'Traffic fines imposed', 'triệu đồng', { ag: 'CA' });
add('VP_CON', 'Số trường hợp vi phạm nồng độ cồn khi điều khiển phương tiện bị xử lý', 'Drink-driving offences handled', 'trường hợp', tngt);
add('TNGT_100K', 'Số người chết do tai nạn giao thông đường bộ trên 100.000 dân', 'Road traffic deaths per 100,000 inhabitants', 'người/100.000 dân', {
    x: '100000 * GTVT.TNGT_CHET / DC.DANSO_TB', a: 'ratio', sc: 100000, f: 'year', p: 'lower', t: 8, th: 'amber=10;red=12',
});
add('DIEM_DEN', 'Số điểm đen về tai nạn giao thông', 'Accident black spots', 'điểm', { f: 'year', p: 'lower', stock: true });
add('LUULUONG', 'Lưu lượng xe qua các trạm đếm xe tự động', 'Vehicles counted at automatic counting stations', 'lượt xe', { f: 'day', s: 'telemetry' });
add('TOCDO_CD', 'Tốc độ lưu thông trung bình giờ cao điểm tại các nút giao trọng điểm', 'Mean peak-hour traffic speed at key junctions', 'km/h', { f: 'day', s: 'telemetry', a: 'mean', th: 'amber=20;red=10' });
add('UNTAC', 'Số vụ ùn tắc giao thông kéo dài trên 30 phút', 'Traffic jams lasting over 30 minutes', 'vụ', { f: 'day', s: 'telemetry', p: 'lower' });
add('CAMERA_VP', 'Số lượt phương tiện vi phạm được ghi nhận qua camera giám sát', 'Violations recorded by enforcement cameras', 'lượt', { f: 'day', s: 'telemetry', ag: 'CA' });

/* ---- Y tế ----------------------------------------------------------------------------------------- */
domain('YT', { ag: 'SO-YT', s: 'entered', f: 'month' });
for (const [k, vi, en, u] of [
    ['CS_KCB', 'Số cơ sở khám bệnh, chữa bệnh', 'Health care facilities', 'cơ sở'],
    ['BENHVIEN', 'Số bệnh viện', 'Hospitals', 'bệnh viện'],
    ['TRAMYT', 'Số trạm y tế xã, phường', 'Commune health stations', 'trạm'],
    ['PK_TN', 'Số phòng khám đa khoa tư nhân', 'Private general clinics', 'phòng khám'],
    ['NHATHUOC', 'Số nhà thuốc, quầy thuốc', 'Pharmacies and drug counters', 'cơ sở'],
    ['GIUONG', 'Số giường bệnh', 'Hospital beds', 'giường'],
    ['GIUONG_TN', 'Số giường bệnh của cơ sở y tế tư nhân', 'Hospital beds in private facilities', 'giường'],
    ['BACSI', 'Số bác sĩ', 'Doctors', 'người'],
    ['DUOCSI', 'Số dược sĩ đại học', 'Pharmacists with a university degree', 'người'],
    ['DIEUDUONG', 'Số điều dưỡng', 'Nurses', 'người'],
    ['HOSINH', 'Số nữ hộ sinh', 'Midwives', 'người'],
]) {
    add(k, vi, en, u, { f: 'year', stock: true });
}
add('GIUONG_VAN', 'Số giường bệnh trên 10.000 dân', 'Hospital beds per 10,000 inhabitants', 'giường/vạn dân', { x: '10000 * YT.GIUONG / DC.DANSO_TB', a: 'ratio', sc: 10000, f: 'year', t: 32 });
add('BACSI_VAN', 'Số bác sĩ trên 10.000 dân', 'Doctors per 10,000 inhabitants', 'bác sĩ/vạn dân', { x: '10000 * YT.BACSI / DC.DANSO_TB', a: 'ratio', sc: 10000, f: 'year', t: 12 });
add('DUOCSI_VAN', 'Số dược sĩ đại học trên 10.000 dân', 'Pharmacists per 10,000 inhabitants', 'dược sĩ/vạn dân', { x: '10000 * YT.DUOCSI / DC.DANSO_TB', a: 'ratio', sc: 10000, f: 'year', t: 3 });
add('DIEUDUONG_VAN', 'Số điều dưỡng trên 10.000 dân', 'Nurses per 10,000 inhabitants', 'điều dưỡng/vạn dân', { x: '10000 * YT.DIEUDUONG / DC.DANSO_TB', a: 'ratio', sc: 10000, f: 'year', t: 25 });
add('TL_TYT_BS', 'Tỷ lệ trạm y tế xã, phường có bác sĩ làm việc', 'Commune health stations with a doctor', '%', { f: 'year', t: 100, n: 'số trạm y tế có bác sĩ', dn: 'tổng số trạm y tế', stock: true });
add('TL_XA_BTC', 'Tỷ lệ xã, phường đạt Bộ tiêu chí quốc gia về y tế', 'Communes meeting the national health criteria', '%', { f: 'year', t: 100, n: 'số xã đạt Bộ tiêu chí', dn: 'tổng số xã, phường', stock: true });
add('LUOT_KHAM', 'Số lượt khám bệnh', 'Outpatient consultations', 'lượt', { s: 'api' });
add('LUOT_KHAM_TYT', 'Số lượt khám bệnh tại trạm y tế xã, phường', 'Consultations at commune health stations', 'lượt', { s: 'api' });
add('LUOT_NOITRU', 'Số lượt người bệnh điều trị nội trú', 'Inpatient admissions', 'lượt', { s: 'api' });
add('LUOT_NGOAITRU', 'Số lượt người bệnh điều trị ngoại trú', 'Outpatient treatment episodes', 'lượt', { s: 'api' });
add('NGAY_NOITRU', 'Số ngày điều trị nội trú', 'Inpatient days', 'ngày', { s: 'api' });
add('NGAY_NT_BQ', 'Số ngày điều trị trung bình một đợt điều trị nội trú', 'Average length of inpatient stay', 'ngày', { x: 'YT.NGAY_NOITRU / YT.LUOT_NOITRU', a: 'ratio', sc: 1 });
add('PHAUTHUAT', 'Số ca phẫu thuật', 'Surgical operations', 'ca');
add('CHUYENTUYEN', 'Số ca chuyển tuyến điều trị', 'Patient referrals to another facility', 'ca', { p: 'lower' });
add('CONGSUAT_GB', 'Công suất sử dụng giường bệnh', 'Hospital bed occupancy rate', '%', { a: 'ratio', t: 85, th: 'amber=75;red=60', n: 'số ngày giường điều trị thực tế', dn: 'số ngày giường theo kế hoạch' });
add('CHO_KHAM', 'Thời gian chờ khám bệnh trung bình', 'Average waiting time for a consultation', 'phút', { a: 'wmean', w: 'YT.LUOT_KHAM', p: 'lower', t: 60, th: 'amber=60;red=90', s: 'api' });
add('TL_HL_NOITRU', 'Tỷ lệ người bệnh nội trú hài lòng với dịch vụ y tế', 'Inpatients satisfied with health services', '%', { t: 90, n: 'số người bệnh hài lòng', dn: 'số người bệnh được khảo sát' });
add('TL_HL_NGOAITRU', 'Tỷ lệ người bệnh ngoại trú hài lòng với dịch vụ y tế', 'Outpatients satisfied with health services', '%', { t: 90, n: 'số người bệnh hài lòng', dn: 'số người bệnh được khảo sát' });
add('TUVONG_BV', 'Số ca tử vong tại cơ sở khám bệnh, chữa bệnh', 'Deaths in health care facilities', 'ca', { p: 'lower' });
add('KHAM_TUXA', 'Số lượt khám bệnh, chữa bệnh từ xa', 'Telemedicine consultations', 'lượt', { s: 'api' });
add('CC_115', 'Số lượt cấp cứu ngoại viện 115', 'Emergency (115) call-outs', 'lượt', { s: 'api' });
add('CC_115_TG', 'Thời gian trung bình xe cấp cứu 115 tiếp cận hiện trường', 'Average 115 ambulance response time', 'phút', { a: 'wmean', w: 'YT.CC_115', p: 'lower', t: 15, th: 'amber=15;red=25', s: 'api' });
add('LUOT_BHYT', 'Số lượt khám bệnh, chữa bệnh bảo hiểm y tế', 'Consultations covered by health insurance', 'lượt', { s: 'imported' });
add('TL_BA_DT', 'Tỷ lệ bệnh viện triển khai bệnh án điện tử', 'Hospitals using electronic medical records', '%', { f: 'quarter', t: 100, n: 'số bệnh viện triển khai bệnh án điện tử', dn: 'tổng số bệnh viện', stock: true });
add('TL_DONTHUOC', 'Tỷ lệ đơn thuốc điện tử được liên thông lên Hệ thống đơn thuốc quốc gia', 'Electronic prescriptions sent to the national prescription system', '%', { s: 'api', t: 100, n: 'số đơn thuốc được liên thông', dn: 'tổng số đơn thuốc kê' });
for (const [k, vi, en, death] of [
    ['SXH', 'sốt xuất huyết Dengue', 'dengue fever', true],
    ['TCM', 'tay chân miệng', 'hand, foot and mouth disease', true],
    ['SOI', 'sởi', 'measles', true],
    ['SOTRET', 'sốt rét', 'malaria', false],
    ['LAO', 'lao phổi được phát hiện mới', 'newly detected pulmonary tuberculosis', false],
    ['HIV', 'nhiễm HIV được phát hiện mới', 'newly detected HIV infection', false],
    ['DAI', 'bệnh dại', 'rabies', true],
    ['CUM', 'cúm', 'influenza', false],
    ['THUYDAU', 'thủy đậu', 'chickenpox', false],
    ['QUAIBI', 'quai bị', 'mumps', false],
    ['HOGA', 'ho gà', 'pertussis', false],
    ['BACHHAU', 'bạch hầu', 'diphtheria', true],
    ['TIEUCHAY', 'tiêu chảy', 'diarrhoea', false],
    ['VNNB', 'viêm não Nhật Bản', 'Japanese encephalitis', false],
]) {
    add(`MAC_${k}`, `Số ca mắc ${vi}`, `Cases of ${en}`, 'ca', { p: 'lower', s: 'api' });
    if (death) add(`TV_${k}`, `Số ca tử vong do ${vi}`, `Deaths from ${en}`, 'ca', { p: 'lower', s: 'api', t: 0, th: 'amber=1;red=2' });
}
add('O_SXH', 'Số ổ dịch sốt xuất huyết được phát hiện, xử lý', 'Dengue outbreak foci detected and treated', 'ổ dịch', { p: 'lower' });
add('MAC_SXH_NGAY', 'Số ca mắc sốt xuất huyết Dengue ghi nhận trong ngày', 'Dengue cases reported in the day', 'ca', { f: 'day', p: 'lower', s: 'api' });
add('TL_TCDD', 'Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin', 'Children under 1 fully immunised', '%', { t: 95, th: 'amber=90;red=85', n: 'số trẻ dưới 1 tuổi được tiêm đủ', dn: 'số trẻ dưới 1 tuổi thuộc diện tiêm', s: 'api' });
add('TL_SOI_RUB', 'Tỷ lệ trẻ em 18 tháng tuổi được tiêm vắc xin sởi – rubella', 'Children aged 18 months vaccinated against measles and rubella', '%', { t: 95, s: 'api' });
add('TL_VGB_24H', 'Tỷ lệ trẻ sơ sinh được tiêm vắc xin viêm gan B trong 24 giờ đầu sau sinh', 'Newborns given hepatitis B vaccine within 24 hours', '%', { t: 90, s: 'api' });
add('TL_DPT4', 'Tỷ lệ trẻ em 18 tháng tuổi được tiêm vắc xin DPT4', 'Children aged 18 months given the DPT4 dose', '%', { t: 95, s: 'api' });
add('TL_UV', 'Tỷ lệ phụ nữ có thai được tiêm phòng uốn ván đủ mũi', 'Pregnant women fully vaccinated against tetanus', '%', { t: 90, s: 'api' });
add('LIEU_VX', 'Số liều vắc xin đã tiêm', 'Vaccine doses administered', 'liều', { s: 'api' });
add('TL_SDD_TC', 'Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi', 'Children under 5 stunted', '%', { f: 'year', p: 'lower', t: 15, n: 'số trẻ dưới 5 tuổi suy dinh dưỡng thể thấp còi', dn: 'số trẻ dưới 5 tuổi được cân, đo' });
add('TL_SDD_NC', 'Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân', 'Children under 5 underweight', '%', { f: 'year', p: 'lower', t: 8 });
add('TL_SDD_GC', 'Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể gầy còm', 'Children under 5 wasted', '%', { f: 'year', p: 'lower', t: 4 });
add('TL_BEOPHI', 'Tỷ lệ trẻ em dưới 5 tuổi thừa cân, béo phì', 'Children under 5 overweight or obese', '%', { f: 'year', p: 'lower', t: 8 });
add('TSTV_1T', 'Tỷ suất tử vong trẻ em dưới 1 tuổi', 'Infant mortality rate', '‰', { a: 'ratio', sc: 1000, f: 'year', p: 'lower', t: 8, th: 'amber=10;red=14', n: 'số trẻ em chết dưới 1 tuổi', dn: 'số trẻ sinh sống' });
add('TSTV_5T', 'Tỷ suất tử vong trẻ em dưới 5 tuổi', 'Under-five mortality rate', '‰', { a: 'ratio', sc: 1000, f: 'year', p: 'lower', t: 12, th: 'amber=15;red=20', n: 'số trẻ em chết dưới 5 tuổi', dn: 'số trẻ sinh sống' });
add('TSTV_ME', 'Tỷ số tử vong mẹ trên 100.000 trẻ đẻ sống', 'Maternal mortality ratio per 100,000 live births', 'ca/100.000 trẻ đẻ sống', { a: 'ratio', sc: 100000, f: 'year', p: 'lower', t: 30, th: 'amber=40;red=50' });
add('TL_KHAMTHAI', 'Tỷ lệ phụ nữ đẻ được khám thai từ 4 lần trở lên trong 3 thời kỳ thai nghén', 'Women giving birth with four or more antenatal visits', '%', { t: 90 });
add('TL_DODE', 'Tỷ lệ phụ nữ đẻ được cán bộ y tế qua đào tạo đỡ', 'Births attended by trained health staff', '%', { t: 99 });
add('TL_SAUSINH', 'Tỷ lệ bà mẹ và trẻ sơ sinh được chăm sóc sau sinh', 'Mothers and newborns receiving postnatal care', '%', { t: 90 });
add('TL_SL_SS', 'Tỷ lệ trẻ sơ sinh được sàng lọc sơ sinh', 'Newborns screened', '%', { t: 70 });
add('TL_SL_TS', 'Tỷ lệ phụ nữ mang thai được sàng lọc trước sinh', 'Pregnant women given prenatal screening', '%', { t: 70 });
add('TL_HSSK', 'Tỷ lệ dân số được quản lý sức khỏe bằng hồ sơ sức khỏe điện tử', 'Population with an electronic health record', '%', { f: 'year', t: 95, x: '100 * YT.HSSK / DC.DANSO_TB' });
add('HSSK', 'Số người có hồ sơ sức khỏe điện tử', 'People with an electronic health record', 'người', { f: 'year', s: 'api', stock: true });
add('KHAM_NCT', 'Số người cao tuổi được khám sức khỏe định kỳ', 'Older people given a periodic health check', 'người', { f: 'year' });
add('TL_THA', 'Tỷ lệ người tăng huyết áp được phát hiện và quản lý điều trị', 'People with hypertension detected and under treatment', '%', { f: 'year', t: 50 });
add('TL_DTD', 'Tỷ lệ người đái tháo đường được phát hiện và quản lý điều trị', 'People with diabetes detected and under treatment', '%', { f: 'year', t: 50 });
add('METHADONE', 'Số người nghiện chất dạng thuốc phiện đang điều trị bằng Methadone', 'Opioid users on methadone treatment', 'người', { f: 'year', stock: true });
add('TL_ARV', 'Tỷ lệ người nhiễm HIV được điều trị ARV', 'People living with HIV on ARV treatment', '%', { f: 'year', t: 95 });
add('TAMTHAN', 'Số người rối loạn tâm thần được quản lý, điều trị tại cộng đồng', 'People with mental disorders managed in the community', 'người', { f: 'year', stock: true });
add('NDTP_VU', 'Số vụ ngộ độc thực phẩm', 'Food poisoning incidents', 'vụ', { p: 'lower', t: 0, th: 'amber=1;red=3' });
add('NDTP_MAC', 'Số người mắc trong các vụ ngộ độc thực phẩm', 'People affected by food poisoning', 'người', { p: 'lower' });
add('NDTP_CHET', 'Số người tử vong do ngộ độc thực phẩm', 'Deaths from food poisoning', 'người', { p: 'lower', t: 0, th: 'amber=1;red=2' });
add('ATTP_KT', 'Số cơ sở thực phẩm được thanh tra, kiểm tra', 'Food establishments inspected', 'cơ sở');
add('ATTP_DAT', 'Số cơ sở thực phẩm được kiểm tra đạt yêu cầu', 'Food establishments inspected and compliant', 'cơ sở');
add('TL_ATTP', 'Tỷ lệ cơ sở thực phẩm được kiểm tra đạt yêu cầu về an toàn thực phẩm', 'Inspected food establishments found compliant', '%', { x: '100 * YT.ATTP_DAT / YT.ATTP_KT', t: 90 });
add('MAU_TP', 'Số mẫu thực phẩm kiểm nghiệm không đạt', 'Food samples failing tests', 'mẫu', { p: 'lower' });
add('MAU_THUOC', 'Số mẫu thuốc kiểm nghiệm không đạt chất lượng', 'Drug samples failing quality tests', 'mẫu', { p: 'lower' });
add('TL_NT_LT', 'Tỷ lệ cơ sở bán lẻ thuốc kết nối liên thông dữ liệu', 'Drug retailers connected to the national pharmacy network', '%', { f: 'quarter', t: 100, stock: true });
add('CTYT', 'Khối lượng chất thải y tế nguy hại được xử lý', 'Hazardous medical waste treated', 'tấn');

/* ---- Giáo dục – đào tạo --------------------------------------------------------------------------- */
domain('GDDT', { ag: 'SO-GDDT', s: 'entered', f: 'year' });
for (const [k, vi, en, hs, hsEn, lop, t] of [
    ['MN', 'mầm non', 'pre-school', 'trẻ em', 'children', 'nhóm, lớp', { chuan: 70, gv: 100 }],
    ['TH', 'tiểu học', 'primary', 'học sinh', 'pupils', 'lớp', { chuan: 80, gv: 100 }],
    ['THCS', 'trung học cơ sở', 'lower secondary', 'học sinh', 'pupils', 'lớp', { chuan: 75, gv: 100 }],
    ['THPT', 'trung học phổ thông', 'upper secondary', 'học sinh', 'pupils', 'lớp', { chuan: 70, gv: 100 }],
]) {
    const s = { stock: true };
    add(`${k}_TRUONG`, `Số trường ${vi}`, `${en[0].toUpperCase()}${en.slice(1)} schools`, 'trường', s);
    const l = add(`${k}_LOP`, `Số ${lop} ${vi}`, `${en[0].toUpperCase()}${en.slice(1)} classes`, lop === 'lớp' ? 'lớp' : 'nhóm, lớp', s);
    const g = add(`${k}_GV`, `Số giáo viên ${vi}`, `${en[0].toUpperCase()}${en.slice(1)} teachers`, 'người', s);
    const h = add(`${k}_HS`, `Số ${hs} ${vi}`, `${en[0].toUpperCase()}${en.slice(1)} ${hsEn}`, hs === 'trẻ em' ? 'trẻ' : 'học sinh', s);
    add(`${k}_HS_LOP`, `Số ${hs} ${vi} bình quân một ${lop === 'lớp' ? 'lớp' : 'nhóm, lớp'}`, `${en[0].toUpperCase()}${en.slice(1)} ${hsEn} per class`, `${hs === 'trẻ em' ? 'trẻ' : 'học sinh'}/lớp`, { x: `${h.code} / ${l.code}`, a: 'ratio', sc: 1 });
    add(`${k}_HS_GV`, `Số ${hs} ${vi} bình quân một giáo viên`, `${en[0].toUpperCase()}${en.slice(1)} ${hsEn} per teacher`, `${hs === 'trẻ em' ? 'trẻ' : 'học sinh'}/giáo viên`, { x: `${h.code} / ${g.code}`, a: 'ratio', sc: 1 });
    add(`${k}_TL_CHUAN`, `Tỷ lệ trường ${vi} đạt chuẩn quốc gia`, `${en[0].toUpperCase()}${en.slice(1)} schools meeting the national standard`, '%', { t: t.chuan, n: 'số trường đạt chuẩn quốc gia', dn: 'tổng số trường', stock: true });
    add(`${k}_TL_GV`, `Tỷ lệ giáo viên ${vi} đạt trình độ chuẩn đào tạo trở lên`, `${en[0].toUpperCase()}${en.slice(1)} teachers meeting the training standard`, '%', { t: t.gv, n: 'số giáo viên đạt chuẩn trở lên', dn: 'tổng số giáo viên', stock: true });
    add(`${k}_PHONG`, `Số phòng học ${vi}`, `${en[0].toUpperCase()}${en.slice(1)} classrooms`, 'phòng', s);
    add(`${k}_TL_KC`, `Tỷ lệ phòng học ${vi} kiên cố`, `Permanent ${en} classrooms`, '%', { t: 90, n: 'số phòng học kiên cố', dn: 'tổng số phòng học', stock: true });
    if (k !== 'MN') add(`${k}_TL_BH`, `Tỷ lệ học sinh ${vi} bỏ học`, `${en[0].toUpperCase()}${en.slice(1)} drop-out rate`, '%', { p: 'lower', t: 0.3, th: 'amber=0.5;red=1', n: 'số học sinh bỏ học trong năm học', dn: 'số học sinh đầu năm học' });
}
add('MN_TL_5T', 'Tỷ lệ huy động trẻ em 5 tuổi đến lớp mẫu giáo', 'Enrolment of five-year-olds in kindergarten', '%', { t: 99.5, th: 'amber=98;red=95' });
add('MN_TL_NT', 'Tỷ lệ huy động trẻ em trong độ tuổi nhà trẻ đến trường', 'Enrolment of children of crèche age', '%', { t: 40 });
add('MN_TL_BT', 'Tỷ lệ trẻ em mầm non được tổ chức ăn bán trú', 'Pre-school children given school meals', '%', { t: 95 });
add('MN_TL_SDD', 'Tỷ lệ trẻ em mầm non suy dinh dưỡng', 'Pre-school children malnourished', '%', { p: 'lower', t: 3, th: 'amber=5;red=8' });
add('MN_TUTHUC', 'Số nhóm, lớp mầm non độc lập tư thục', 'Independent private pre-school groups and classes', 'nhóm, lớp', { stock: true });
add('TH_TL_6T', 'Tỷ lệ trẻ em 6 tuổi vào lớp 1', 'Six-year-olds entering grade 1', '%', { t: 100, th: 'amber=99;red=97' });
add('TH_TL_HT', 'Tỷ lệ học sinh hoàn thành chương trình tiểu học', 'Pupils completing primary school', '%', { t: 99 });
add('TH_TL_2B', 'Tỷ lệ học sinh tiểu học được học 2 buổi/ngày', 'Primary pupils with full-day schooling', '%', { t: 100 });
add('TH_TL_TA', 'Tỷ lệ học sinh tiểu học được học tiếng Anh', 'Primary pupils learning English', '%', { t: 100 });
add('THCS_TL_TN', 'Tỷ lệ học sinh tốt nghiệp trung học cơ sở', 'Lower secondary graduation rate', '%', { t: 98 });
add('THCS_TL_VAOTHPT', 'Tỷ lệ học sinh tốt nghiệp trung học cơ sở vào học trung học phổ thông và giáo dục thường xuyên', 'Lower secondary graduates entering upper secondary or continuing education', '%', { t: 85 });
add('THCS_TL_NGHE', 'Tỷ lệ học sinh tốt nghiệp trung học cơ sở vào học giáo dục nghề nghiệp', 'Lower secondary graduates entering vocational education', '%', { t: 15 });
add('THPT_THISINH', 'Số thí sinh dự thi tốt nghiệp trung học phổ thông', 'Candidates sitting the upper secondary graduation exam', 'người');
add('THPT_TL_TN', 'Tỷ lệ học sinh tốt nghiệp trung học phổ thông', 'Upper secondary graduation rate', '%', { t: 98, th: 'amber=96;red=93' });
add('THPT_DIEM', 'Điểm trung bình các môn thi tốt nghiệp trung học phổ thông', 'Mean score in the upper secondary graduation exam', 'điểm', { a: 'wmean', w: 'GDDT.THPT_THISINH', t: 6.5 });
add('HSG_QG', 'Số học sinh đạt giải kỳ thi chọn học sinh giỏi quốc gia', 'Prize winners in the national excellent pupils contest', 'học sinh', { t: 60 });
add('PC_MN5', 'Số xã đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi', 'Communes meeting universal pre-school education for five-year-olds', 'xã', { stock: true });
add('PC_TH3', 'Số xã đạt chuẩn phổ cập giáo dục tiểu học mức độ 3', 'Communes meeting universal primary education, level 3', 'xã', { stock: true });
add('PC_THCS2', 'Số xã đạt chuẩn phổ cập giáo dục trung học cơ sở mức độ 2', 'Communes meeting universal lower secondary education, level 2', 'xã', { stock: true });
add('XMC2', 'Số xã đạt chuẩn xóa mù chữ mức độ 2', 'Communes meeting the literacy standard, level 2', 'xã', { stock: true });
add('TL_BIETCHU', 'Tỷ lệ người từ 15 đến 60 tuổi biết chữ mức độ 2', 'Literacy (level 2) of people aged 15 to 60', '%', { t: 99, stock: true });
add('GDNN_TT', 'Số trung tâm giáo dục nghề nghiệp – giáo dục thường xuyên', 'Vocational and continuing education centres', 'trung tâm', { stock: true });
add('GDTX_HV', 'Số học viên giáo dục thường xuyên cấp trung học phổ thông', 'Continuing education learners at upper secondary level', 'học viên', { stock: true });
add('DH_TRUONG', 'Số trường đại học trên địa bàn', 'Universities in the area', 'trường', { stock: true });
add('DH_SV', 'Số sinh viên đại học', 'University students', 'sinh viên', { stock: true });
add('CD_TRUONG', 'Số trường cao đẳng', 'Colleges', 'trường', { stock: true });
add('GDNN_TS', 'Số người được tuyển sinh đào tạo nghề nghiệp', 'Vocational training enrolments', 'người', { f: 'quarter', t: 60000 });
add('TL_SODIEM', 'Tỷ lệ cơ sở giáo dục phổ thông sử dụng sổ điểm, học bạ điện tử', 'Schools using electronic grade books and records', '%', { t: 100, stock: true });
add('TL_HS_MDD', 'Tỷ lệ học sinh có mã định danh và hồ sơ điện tử', 'Pupils with an identification code and electronic file', '%', { t: 100, stock: true });
add('TL_HP_KTM', 'Tỷ lệ khoản thu học phí được thanh toán không dùng tiền mặt', 'School fee payments made cashless', '%', { f: 'quarter', t: 90, s: 'api' });
add('BLHD', 'Số vụ bạo lực học đường', 'School violence incidents', 'vụ', { f: 'month', p: 'lower' });
add('GV_THIEU', 'Số giáo viên còn thiếu so với định mức', 'Teacher shortfall against the norm', 'người', { p: 'lower', stock: true });

/* ---- Lao động – việc làm ------------------------------------------------------------------------------ */
domain('LDVL', { ag: 'SO-NV', s: 'entered', f: 'quarter' });
add('LLLD', 'Lực lượng lao động từ 15 tuổi trở lên', 'Labour force aged 15 and over', 'người', { f: 'year', s: 'imported', stock: true });
add('LD_VIECLAM', 'Số lao động từ 15 tuổi trở lên đang làm việc', 'Employed population aged 15 and over', 'người', { f: 'year', s: 'imported', stock: true });
for (const [k, vi, en] of [
    ['NLTS', 'nông, lâm nghiệp và thủy sản', 'agriculture, forestry and fishing'],
    ['CNXD', 'công nghiệp và xây dựng', 'industry and construction'],
    ['DV', 'dịch vụ', 'services'],
]) {
    add(`LD_${k}`, `Số lao động đang làm việc trong khu vực ${vi}`, `Employed in ${en}`, 'người', { f: 'year', s: 'imported', stock: true });
}
add('TTR_LD_NN', 'Tỷ trọng lao động nông, lâm nghiệp và thủy sản trong tổng số lao động đang làm việc', 'Share of agriculture, forestry and fishing in employment', '%', { x: '100 * LDVL.LD_NLTS / LDVL.LD_VIECLAM', f: 'year', p: 'lower', t: 15 });
add('TL_THATNGHIEP', 'Tỷ lệ thất nghiệp của lực lượng lao động trong độ tuổi', 'Unemployment rate of the working-age labour force', '%', { s: 'imported', p: 'lower', t: 2.5, th: 'amber=3;red=4', n: 'số người thất nghiệp trong độ tuổi lao động', dn: 'lực lượng lao động trong độ tuổi' });
add('TL_TN_TT', 'Tỷ lệ thất nghiệp của lực lượng lao động trong độ tuổi khu vực thành thị', 'Urban unemployment rate, working age', '%', { s: 'imported', p: 'lower', t: 3, th: 'amber=3.5;red=4.5' });
add('TL_THIEUVL', 'Tỷ lệ thiếu việc làm của lực lượng lao động trong độ tuổi', 'Underemployment rate, working age', '%', { s: 'imported', p: 'lower', t: 1, th: 'amber=1.5;red=2' });
add('TL_QUADT', 'Tỷ lệ lao động qua đào tạo', 'Share of workers with training', '%', { f: 'year', t: 75, stock: true });
add('TL_QUADT_BC', 'Tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ', 'Share of workers with a diploma or certificate', '%', { f: 'year', t: 35, stock: true });
add('TL_PHICHINHTHUC', 'Tỷ lệ lao động có việc làm phi chính thức', 'Informal employment rate', '%', { f: 'year', s: 'imported', p: 'lower', t: 45 });
add('GQVL', 'Số lao động được giải quyết việc làm', 'Workers helped into jobs', 'người', { t: 25000 });
add('VL_MOI', 'Số lao động được tạo việc làm mới', 'New jobs created', 'người');
add('XKLD', 'Số người lao động đi làm việc ở nước ngoài theo hợp đồng', 'Workers sent abroad on contract', 'người');
add('TCTN_NOP', 'Số người nộp hồ sơ đề nghị hưởng trợ cấp thất nghiệp', 'Applications for unemployment benefit', 'người', { f: 'month', p: 'lower', s: 'imported' });
add('TCTN_QD', 'Số người có quyết định hưởng trợ cấp thất nghiệp', 'Unemployment benefit awards', 'người', { f: 'month', p: 'lower', s: 'imported' });
add('LD_NN', 'Số người lao động nước ngoài được cấp giấy phép lao động', 'Work permits issued to foreign workers', 'người', { f: 'month' });
add('SAN_VL', 'Số phiên giao dịch việc làm được tổ chức', 'Job fairs held', 'phiên', { f: 'month' });
add('TUVAN_VL', 'Số lượt người được tư vấn, giới thiệu việc làm', 'People given job counselling or referral', 'lượt người', { f: 'month' });
add('NHUCAU_TD', 'Nhu cầu tuyển dụng lao động của doanh nghiệp', 'Hiring needs declared by enterprises', 'người');
add('TNBQ_LD', 'Thu nhập bình quân một tháng của người lao động', 'Average monthly income of workers', 'triệu đồng', { f: 'year', a: 'wmean', w: 'LDVL.LD_VIECLAM', s: 'imported' });
add('LUONG_DN', 'Tiền lương bình quân một tháng của người lao động trong doanh nghiệp', 'Average monthly wage in enterprises', 'triệu đồng', { f: 'year', a: 'wmean', w: 'LDVL.LD_VIECLAM' });
add('GIOLAM', 'Số giờ làm việc bình quân một tuần của lao động có việc làm', 'Average weekly working hours of employed people', 'giờ', { f: 'year', a: 'wmean', w: 'LDVL.LD_VIECLAM', s: 'imported' });
add('TNLD_VU', 'Số vụ tai nạn lao động', 'Occupational accidents', 'vụ', { p: 'lower' });
add('TNLD_CHET', 'Số người chết do tai nạn lao động', 'Deaths from occupational accidents', 'người', { p: 'lower', t: 0, th: 'amber=1;red=5' });
add('DINHCONG', 'Số vụ đình công, ngừng việc tập thể', 'Strikes and collective work stoppages', 'vụ', { f: 'month', p: 'lower' });
add('DINHCONG_NG', 'Số người tham gia đình công, ngừng việc tập thể', 'Workers involved in strikes and stoppages', 'người', { f: 'month', p: 'lower' });
add('MATVIEC', 'Số lao động bị mất việc làm, thôi việc', 'Workers who lost their jobs', 'người', { p: 'lower' });
add('GIAMGIO', 'Số lao động bị giảm giờ làm, ngừng việc luân phiên', 'Workers on reduced hours or rotating stoppage', 'người', { p: 'lower' });
add('VAYVON_VL', 'Số lao động được hỗ trợ vay vốn tạo việc làm', 'Workers given job-creation loans', 'người');
add('TTR_LD', 'Số doanh nghiệp được thanh tra, kiểm tra việc chấp hành pháp luật lao động', 'Enterprises inspected for labour law compliance', 'doanh nghiệp');
add('BIENCHE', 'Số biên chế công chức được giao', 'Civil servant posts assigned', 'người', { f: 'year', stock: true });
add('VIENCHUC', 'Số người làm việc trong các đơn vị sự nghiệp công lập', 'Staff of public service units', 'người', { f: 'year', stock: true });
add('TINHGIAN', 'Số cán bộ, công chức, viên chức được tinh giản biên chế', 'Public staff leaving under downsizing', 'người', { f: 'year' });

/* ---- An sinh xã hội ----------------------------------------------------------------------------------- */
domain('ASXH', { ag: 'SO-YT', s: 'entered', f: 'year' });
add('TL_HONGHEO', 'Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều', 'Multidimensional poor household rate', '%', { p: 'lower', t: 0.5, th: 'amber=1;red=2', n: 'số hộ nghèo', dn: 'tổng số hộ dân cư', stock: true });
add('HONGHEO', 'Số hộ nghèo', 'Poor households', 'hộ', { p: 'lower', stock: true });
add('HOCANNGHEO', 'Số hộ cận nghèo', 'Near-poor households', 'hộ', { p: 'lower', stock: true });
add('TL_CANNGHEO', 'Tỷ lệ hộ cận nghèo theo chuẩn nghèo đa chiều', 'Multidimensional near-poor household rate', '%', { p: 'lower', t: 1, th: 'amber=1.5;red=2.5', stock: true });
add('THOATNGHEO', 'Số hộ thoát nghèo trong năm', 'Households leaving poverty in the year', 'hộ');
add('NHA_HN', 'Số nhà ở được hỗ trợ xây mới, sửa chữa cho hộ nghèo, hộ cận nghèo', 'Houses built or repaired for poor and near-poor households', 'căn');
add('NHA_TAM', 'Số nhà tạm, nhà dột nát được xóa', 'Makeshift and dilapidated houses replaced', 'căn', { t: 500 });
add('BTXH', 'Số người hưởng trợ cấp xã hội hằng tháng', 'People receiving monthly social assistance', 'người', { stock: true });
add('KP_BTXH', 'Kinh phí chi trả trợ cấp xã hội hằng tháng', 'Monthly social assistance paid', 'tỷ đồng', { f: 'quarter' });
add('TL_BTXH_TK', 'Tỷ lệ đối tượng bảo trợ xã hội nhận trợ cấp qua tài khoản', 'Social assistance beneficiaries paid into an account', '%', { f: 'quarter', t: 90, s: 'api' });
add('NCC', 'Số người có công với cách mạng đang hưởng trợ cấp ưu đãi hằng tháng', 'People with meritorious service receiving monthly allowances', 'người', { ag: 'SO-NV', stock: true });
add('KP_NCC', 'Kinh phí chi trả trợ cấp ưu đãi người có công', 'Allowances paid to people with meritorious service', 'tỷ đồng', { ag: 'SO-NV', f: 'quarter' });
add('TL_NCC_MS', 'Tỷ lệ hộ gia đình người có công có mức sống bằng hoặc cao hơn mức sống trung bình của dân cư nơi cư trú', 'Households of people with meritorious service living at or above the local average', '%', { ag: 'SO-NV', t: 100, stock: true });
add('BHXH_BB', 'Số người tham gia bảo hiểm xã hội bắt buộc', 'Members of compulsory social insurance', 'người', { s: 'imported', stock: true });
add('BHXH_TN', 'Số người tham gia bảo hiểm xã hội tự nguyện', 'Members of voluntary social insurance', 'người', { s: 'imported', stock: true });
add('BHTN', 'Số người tham gia bảo hiểm thất nghiệp', 'Members of unemployment insurance', 'người', { s: 'imported', stock: true });
add('BHYT', 'Số người tham gia bảo hiểm y tế', 'Members of health insurance', 'người', { s: 'imported', stock: true });
add('TL_BHYT', 'Tỷ lệ dân số tham gia bảo hiểm y tế', 'Health insurance coverage of the population', '%', { x: '100 * ASXH.BHYT / DC.DANSO_TB', t: 95, th: 'amber=93;red=90' });
add('TL_BHXH', 'Tỷ lệ lực lượng lao động trong độ tuổi tham gia bảo hiểm xã hội', 'Labour force covered by social insurance', '%', { x: '100 * (ASXH.BHXH_BB + ASXH.BHXH_TN) / LDVL.LLLD', t: 45 });
add('TL_BHTN', 'Tỷ lệ lực lượng lao động trong độ tuổi tham gia bảo hiểm thất nghiệp', 'Labour force covered by unemployment insurance', '%', { x: '100 * ASXH.BHTN / LDVL.LLLD', t: 35 });
add('NO_BH', 'Số tiền chậm đóng bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp', 'Arrears of social, health and unemployment insurance contributions', 'tỷ đồng', { f: 'quarter', s: 'imported', p: 'lower' });
add('HUU', 'Số người hưởng lương hưu, trợ cấp bảo hiểm xã hội hằng tháng', 'Pensioners and monthly social insurance beneficiaries', 'người', { s: 'imported', stock: true });
add('TE_HCDB', 'Số trẻ em có hoàn cảnh đặc biệt', 'Children in special circumstances', 'trẻ', { p: 'lower', stock: true });
add('TL_TE_HCDB', 'Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp', 'Children in special circumstances given support', '%', { t: 95, stock: true });
add('XAMHAI_TE', 'Số vụ xâm hại trẻ em được phát hiện', 'Child abuse cases detected', 'vụ', { f: 'quarter', p: 'lower' });
add('DUOINUOC_TE', 'Số trẻ em bị tử vong do đuối nước', 'Child drowning deaths', 'trẻ', { f: 'quarter', p: 'lower', t: 0, th: 'amber=1;red=3' });
add('CS_TGXH', 'Số cơ sở trợ giúp xã hội', 'Social assistance facilities', 'cơ sở', { stock: true });
add('NUOIDUONG', 'Số người được nuôi dưỡng tại cơ sở trợ giúp xã hội', 'Residents of social assistance facilities', 'người', { stock: true });
add('CAINGHIEN', 'Số người đang cai nghiện ma túy tại cơ sở cai nghiện', 'People in drug rehabilitation centres', 'người', { f: 'quarter', stock: true });
add('GAO_CUUDOI', 'Số gạo hỗ trợ cứu đói, giáp hạt', 'Rice distributed as hunger relief', 'tấn');
add('QUA_TET', 'Tổng giá trị quà Tết tặng đối tượng chính sách, hộ nghèo', 'Value of Tết gifts to policy beneficiaries and poor households', 'tỷ đồng');
add('NKT_TC', 'Số người khuyết tật được hưởng trợ cấp xã hội', 'People with disabilities receiving social assistance', 'người', { stock: true });
add('NCT', 'Số người cao tuổi được hưởng trợ cấp xã hội', 'Older people receiving social assistance', 'người', { stock: true });

/* ---- Văn hóa – thể thao --------------------------------------------------------------------------------- */
domain('VHTT', { ag: 'SO-VHTTDL', s: 'entered', f: 'year' });
add('DT_QGDB', 'Số di tích quốc gia đặc biệt', 'Special national heritage sites', 'di tích', { stock: true });
add('DT_QG', 'Số di tích cấp quốc gia', 'National heritage sites', 'di tích', { stock: true });
add('DT_TINH', 'Số di tích cấp tỉnh', 'Provincial heritage sites', 'di tích', { stock: true });
add('DSPVT', 'Số di sản văn hóa phi vật thể được đưa vào Danh mục quốc gia', 'Intangible heritage elements on the national list', 'di sản', { stock: true });
add('KHACH_DT', 'Số lượt khách tham quan di tích, bảo tàng', 'Visits to heritage sites and museums', 'lượt', { f: 'month' });
add('THUVIEN', 'Số thư viện công cộng', 'Public libraries', 'thư viện', { stock: true });
add('BANDOC', 'Số lượt bạn đọc đến thư viện công cộng', 'Visits to public libraries', 'lượt', { f: 'month' });
add('SACH_TV', 'Số bản sách trong thư viện công cộng', 'Books held by public libraries', 'bản', { stock: true });
add('BIEUDIEN', 'Số buổi biểu diễn nghệ thuật chuyên nghiệp', 'Professional art performances', 'buổi', { f: 'quarter' });
add('KHAN_GIA', 'Số lượt người xem biểu diễn nghệ thuật', 'Audience at art performances', 'lượt người', { f: 'quarter' });
add('CHIEUPHIM', 'Số buổi chiếu phim lưu động', 'Mobile cinema screenings', 'buổi', { f: 'quarter' });
add('TL_GDVH', 'Tỷ lệ hộ gia đình đạt danh hiệu "Gia đình văn hóa"', 'Households recognised as "cultured families"', '%', { t: 90, n: 'số hộ đạt danh hiệu', dn: 'tổng số hộ' });
add('TL_APVH', 'Tỷ lệ ấp, khu phố đạt danh hiệu "Ấp văn hóa", "Khu phố văn hóa"', 'Hamlets and quarters recognised as "cultured"', '%', { t: 90 });
add('TL_TTVH', 'Tỷ lệ xã, phường có trung tâm văn hóa – thể thao', 'Communes with a culture and sports centre', '%', { t: 100, stock: true });
add('TL_NVH', 'Tỷ lệ ấp, khu phố có nhà văn hóa', 'Hamlets and quarters with a community house', '%', { t: 100, stock: true });
add('KARAOKE', 'Số cơ sở kinh doanh dịch vụ karaoke, vũ trường được cấp phép', 'Licensed karaoke and dance venues', 'cơ sở', { stock: true });
add('VP_VH', 'Số cơ sở kinh doanh dịch vụ văn hóa vi phạm bị xử lý', 'Cultural businesses fined for violations', 'cơ sở', { f: 'quarter', p: 'lower' });
add('BLGD', 'Số vụ bạo lực gia đình', 'Domestic violence cases', 'vụ', { f: 'quarter', p: 'lower' });
add('TL_TDTT', 'Tỷ lệ dân số tập luyện thể dục, thể thao thường xuyên', 'Population exercising regularly', '%', { t: 40 });
add('TL_GD_TT', 'Tỷ lệ hộ gia đình đạt tiêu chuẩn gia đình thể thao', 'Households recognised as sports families', '%', { t: 30 });
add('CLB_TT', 'Số câu lạc bộ thể dục, thể thao cơ sở', 'Grassroots sports clubs', 'câu lạc bộ', { stock: true });
add('GIAI_TINH', 'Số giải thể thao cấp tỉnh được tổ chức', 'Provincial sports competitions held', 'giải');
add('HC_QG', 'Số huy chương đạt được tại các giải thể thao toàn quốc', 'Medals won at national competitions', 'huy chương', { t: 150 });
add('HCV_QG', 'Số huy chương vàng đạt được tại các giải thể thao toàn quốc', 'Gold medals won at national competitions', 'huy chương');
add('HC_QT', 'Số huy chương đạt được tại các giải thể thao quốc tế', 'Medals won at international competitions', 'huy chương');
add('VDV_KT', 'Số vận động viên đạt đẳng cấp kiện tướng', 'Athletes of master rank', 'vận động viên', { stock: true });
add('VDV_TT', 'Số vận động viên được tập trung đào tạo', 'Athletes in full-time training', 'vận động viên', { stock: true });
add('SVD', 'Số sân vận động, nhà thi đấu', 'Stadiums and sports halls', 'công trình', { stock: true });
add('BEBOI', 'Số bể bơi', 'Swimming pools', 'bể', { stock: true });
add('TL_BIETBOI', 'Tỷ lệ học sinh tiểu học biết bơi an toàn', 'Primary pupils able to swim safely', '%', { t: 70 });
add('LEHOI', 'Số lễ hội được tổ chức', 'Festivals held', 'lễ hội');

/* ---- Du lịch ---------------------------------------------------------------------------------------- */
domain('DL', { ag: 'SO-VHTTDL', s: 'entered', f: 'month' });
add('KHACH', 'Tổng lượt khách du lịch', 'Tourist arrivals', 'lượt khách', { t: 500000 });
add('KHACH_QT', 'Lượt khách du lịch quốc tế', 'International tourist arrivals', 'lượt khách');
add('KHACH_ND', 'Lượt khách du lịch nội địa', 'Domestic tourist arrivals', 'lượt khách');
add('KHACH_LT', 'Lượt khách có lưu trú', 'Overnight guests', 'lượt khách');
add('NGAYKHACH', 'Số ngày khách lưu trú', 'Guest nights', 'ngày khách');
add('NGAY_BQ', 'Số ngày lưu trú bình quân một lượt khách', 'Average length of stay per guest', 'ngày', { x: 'DL.NGAYKHACH / DL.KHACH_LT', a: 'ratio', sc: 1, t: 1.8 });
add('THU_DL', 'Tổng thu từ khách du lịch', 'Tourism receipts', 'tỷ đồng', { t: 600 });
add('CHI_BQ', 'Chi tiêu bình quân một lượt khách du lịch', 'Average spending per tourist', 'nghìn đồng', { x: '1000000 * DL.THU_DL / DL.KHACH', a: 'ratio', sc: 1000000 });
add('DT_LUUTRU', 'Doanh thu của cơ sở lưu trú du lịch', 'Revenue of tourist accommodation', 'tỷ đồng');
add('DT_LUHANH', 'Doanh thu của doanh nghiệp lữ hành', 'Revenue of tour operators', 'tỷ đồng');
add('CONGSUAT', 'Công suất sử dụng buồng của cơ sở lưu trú du lịch', 'Room occupancy rate of tourist accommodation', '%', { a: 'ratio', t: 65, n: 'số đêm buồng đã bán', dn: 'số đêm buồng sẵn có' });
add('CS_LUUTRU', 'Số cơ sở lưu trú du lịch', 'Tourist accommodation establishments', 'cơ sở', { f: 'year', stock: true });
add('BUONG', 'Số buồng lưu trú du lịch', 'Rooms in tourist accommodation', 'buồng', { f: 'year', stock: true });
add('KS_3SAO', 'Số khách sạn được xếp hạng từ 3 sao trở lên', 'Hotels rated three stars or more', 'khách sạn', { f: 'year', stock: true });
add('LH_QT', 'Số doanh nghiệp kinh doanh dịch vụ lữ hành quốc tế', 'International tour operators', 'doanh nghiệp', { f: 'year', stock: true });
add('LH_ND', 'Số doanh nghiệp kinh doanh dịch vụ lữ hành nội địa', 'Domestic tour operators', 'doanh nghiệp', { f: 'year', stock: true });
add('KHU_DL', 'Số khu, điểm du lịch được công nhận', 'Recognised tourist areas and sites', 'khu, điểm', { f: 'year', stock: true });
add('HDV', 'Số hướng dẫn viên du lịch được cấp thẻ', 'Licensed tour guides', 'người', { f: 'year', stock: true });
add('LD_DL', 'Số lao động trực tiếp trong ngành du lịch', 'Direct employment in tourism', 'người', { f: 'year', stock: true });
add('KHACH_CATTIEN', 'Lượt khách tham quan Vườn quốc gia Cát Tiên', 'Visitors to Cát Tiên National Park', 'lượt khách');
add('KHACH_BUULONG', 'Lượt khách tham quan Khu du lịch Bửu Long', 'Visitors to Bửu Long tourist area', 'lượt khách');
add('KHACH_CKD', 'Lượt khách tham quan Khu di tích lịch sử Căn cứ Khu ủy miền Đông Nam Bộ (Chiến khu Đ)', 'Visitors to the War Zone D historic site', 'lượt khách');
add('PHANANH_DL', 'Số phản ánh, kiến nghị của khách du lịch', 'Complaints from tourists', 'phản ánh', { p: 'lower' });
add('SP_DL_MOI', 'Số sản phẩm du lịch mới được đưa vào khai thác', 'New tourism products launched', 'sản phẩm', { f: 'year' });
add('XUCTIEN', 'Số sự kiện xúc tiến, quảng bá du lịch', 'Tourism promotion events', 'sự kiện', { f: 'quarter' });

/* ---- Khoa học – công nghệ ------------------------------------------------------------------------------ */
domain('KHCN', { ag: 'SO-KHCN', s: 'entered', f: 'year' });
add('NV_PD', 'Số nhiệm vụ khoa học và công nghệ cấp tỉnh được phê duyệt', 'Provincial science and technology projects approved', 'nhiệm vụ');
add('NV_NT', 'Số nhiệm vụ khoa học và công nghệ cấp tỉnh được nghiệm thu', 'Provincial science and technology projects accepted', 'nhiệm vụ');
add('NV_UD', 'Số nhiệm vụ khoa học và công nghệ được ứng dụng sau nghiệm thu', 'Projects applied after acceptance', 'nhiệm vụ');
add('TL_NV_UD', 'Tỷ lệ nhiệm vụ khoa học và công nghệ được ứng dụng sau nghiệm thu', 'Share of accepted projects put to use', '%', { x: '100 * KHCN.NV_UD / KHCN.NV_NT', t: 80 });
add('CHI_KHCN', 'Tổng chi cho khoa học và công nghệ trên địa bàn', 'Total spending on science and technology in the area', 'tỷ đồng');
add('TTR_CHI', 'Tỷ trọng chi ngân sách cho khoa học và công nghệ trong tổng chi ngân sách địa phương', 'Share of science and technology in local budget expenditure', '%', { x: '100 * TCNS.CHI_KHCN / TCNS.CHI_NSDP', t: 2 });
add('TTR_RD_GRDP', 'Tỷ trọng chi cho nghiên cứu và phát triển trong GRDP', 'Research and development spending as a share of GRDP', '%', { x: '100 * KHCN.CHI_KHCN / KTTH.GRDP_HH', t: 1 });
add('DON_SC', 'Số đơn đăng ký sáng chế, giải pháp hữu ích', 'Patent and utility solution applications', 'đơn', { f: 'quarter' });
add('BANG_SC', 'Số bằng độc quyền sáng chế, giải pháp hữu ích được cấp', 'Patents and utility solutions granted', 'bằng', { f: 'quarter' });
add('DON_NH', 'Số đơn đăng ký nhãn hiệu', 'Trademark applications', 'đơn', { f: 'quarter' });
add('NH_TT', 'Số nhãn hiệu tập thể, nhãn hiệu chứng nhận, chỉ dẫn địa lý được bảo hộ', 'Collective marks, certification marks and geographical indications protected', 'nhãn hiệu', { stock: true });
add('DN_KHCN', 'Số doanh nghiệp khoa học và công nghệ', 'Science and technology enterprises', 'doanh nghiệp', { stock: true });
add('KNST', 'Số dự án khởi nghiệp đổi mới sáng tạo được hỗ trợ', 'Innovative start-up projects supported', 'dự án');
add('DMCN', 'Số doanh nghiệp được hỗ trợ đổi mới công nghệ', 'Enterprises supported in technology upgrading', 'doanh nghiệp');
add('TC_KHCN', 'Số tổ chức khoa học và công nghệ', 'Science and technology organisations', 'tổ chức', { stock: true });
add('NL_RD', 'Số nhân lực nghiên cứu và phát triển', 'Research and development personnel', 'người', { stock: true });
add('NL_RD_VAN', 'Số nhân lực nghiên cứu và phát triển trên 10.000 dân', 'Research and development personnel per 10,000 inhabitants', 'người/vạn dân', { x: '10000 * KHCN.NL_RD / DC.DANSO_TB', a: 'ratio', sc: 10000, t: 12 });
add('PII', 'Chỉ số đổi mới sáng tạo cấp địa phương (PII)', 'Provincial Innovation Index (PII)', 'điểm', { a: 'last', t: 50 });
add('PTD_KD', 'Số phương tiện đo được kiểm định, hiệu chuẩn', 'Measuring instruments verified or calibrated', 'phương tiện', { f: 'quarter' });
add('ISO_HC', 'Số cơ quan hành chính áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001:2015', 'Administrative agencies applying TCVN ISO 9001:2015', 'cơ quan', { stock: true });
add('MAU_CL', 'Số mẫu hàng hóa kiểm tra chất lượng không đạt', 'Goods samples failing quality checks', 'mẫu', { f: 'quarter', p: 'lower' });
add('CS_BUCXA', 'Số cơ sở sử dụng thiết bị bức xạ được cấp phép', 'Licensed users of radiation equipment', 'cơ sở', { stock: true });
add('TXNG', 'Số sản phẩm được hỗ trợ truy xuất nguồn gốc', 'Products supported with traceability', 'sản phẩm');
add('SANGKIEN', 'Số sáng kiến được công nhận có phạm vi ảnh hưởng cấp tỉnh', 'Innovations recognised at provincial level', 'sáng kiến');
add('BAIBAO_QT', 'Số công bố khoa học trên tạp chí quốc tế', 'Papers in international journals', 'bài');

/* ---- Thông tin – truyền thông --------------------------------------------------------------------------- */
domain('TTTT', { ag: 'SO-KHCN', s: 'entered', f: 'year' });
add('TB_DD', 'Số thuê bao điện thoại di động', 'Mobile phone subscriptions', 'thuê bao', { s: 'imported', stock: true });
add('TB_SMART', 'Số thuê bao di động sử dụng điện thoại thông minh', 'Smartphone subscriptions', 'thuê bao', { s: 'imported', stock: true });
add('TB_BRCD', 'Số thuê bao internet băng rộng cố định', 'Fixed broadband subscriptions', 'thuê bao', { s: 'imported', stock: true });
add('TB_BRDD', 'Số thuê bao băng rộng di động', 'Mobile broadband subscriptions', 'thuê bao', { s: 'imported', stock: true });
add('TL_HO_CAPQUANG', 'Tỷ lệ hộ gia đình có kết nối internet cáp quang', 'Households with a fibre connection', '%', { t: 90, stock: true });
add('TL_SMART', 'Tỷ lệ dân số trưởng thành có điện thoại thông minh', 'Adults with a smartphone', '%', { t: 90, stock: true });
add('BTS', 'Số trạm phát sóng thông tin di động (BTS)', 'Mobile base stations (BTS)', 'trạm', { stock: true });
add('BTS_5G', 'Số trạm phát sóng 5G', '5G base stations', 'trạm', { stock: true, t: 1500 });
add('TL_5G', 'Tỷ lệ dân số được phủ sóng 5G', 'Population covered by 5G', '%', { t: 90, stock: true });
add('TL_AP_BR', 'Tỷ lệ ấp, khu phố được phủ sóng di động băng rộng', 'Hamlets and quarters covered by mobile broadband', '%', { t: 100, stock: true });
add('WIFI', 'Số điểm truy cập wifi công cộng miễn phí', 'Free public wifi hotspots', 'điểm', { stock: true });
add('TOCDO_DD', 'Tốc độ truy cập internet di động trung bình', 'Average mobile internet speed', 'Mbps', { a: 'mean', f: 'quarter', s: 'imported', t: 100 });
add('TOCDO_CD', 'Tốc độ truy cập internet băng rộng cố định trung bình', 'Average fixed broadband speed', 'Mbps', { a: 'mean', f: 'quarter', s: 'imported', t: 200 });
add('BUUCUC', 'Số điểm phục vụ bưu chính', 'Postal service points', 'điểm', { stock: true });
add('BUUGUI', 'Sản lượng bưu gửi', 'Postal items handled', 'nghìn bưu gửi', { f: 'month', s: 'imported' });
add('DT_BCVT', 'Doanh thu bưu chính, viễn thông', 'Postal and telecommunications revenue', 'tỷ đồng', { f: 'quarter', s: 'imported' });
add('CQBC', 'Số cơ quan báo chí của địa phương', 'Local press agencies', 'cơ quan', { ag: 'SO-VHTTDL', stock: true });
add('TIN_CONG', 'Số tin, bài đăng trên Cổng thông tin điện tử của tỉnh', 'Articles published on the provincial portal', 'tin, bài', { ag: 'VP-UBND', f: 'month' });
add('TRUYCAP_CONG', 'Số lượt truy cập Cổng thông tin điện tử của tỉnh', 'Visits to the provincial portal', 'lượt truy cập', { ag: 'VP-UBND', f: 'month', s: 'telemetry' });
add('GIO_PT', 'Số giờ phát sóng phát thanh của Đài Phát thanh và Truyền hình tỉnh', 'Radio broadcasting hours of the provincial station', 'giờ', { ag: 'SO-VHTTDL', f: 'quarter' });
add('GIO_TH', 'Số giờ phát sóng truyền hình của Đài Phát thanh và Truyền hình tỉnh', 'Television broadcasting hours of the provincial station', 'giờ', { ag: 'SO-VHTTDL', f: 'quarter' });
add('DAI_CS', 'Số đài truyền thanh cơ sở ứng dụng công nghệ thông tin – viễn thông', 'Local loudspeaker stations using IT and telecommunications', 'đài', { ag: 'SO-VHTTDL', stock: true });
add('TL_DAI_CS', 'Tỷ lệ xã, phường có đài truyền thanh cơ sở ứng dụng công nghệ thông tin – viễn thông', 'Communes with an IT-based loudspeaker station', '%', { ag: 'SO-VHTTDL', t: 100, stock: true });
add('TINGIA', 'Số tin giả, tin sai sự thật được phát hiện, xử lý', 'Fake news items detected and handled', 'tin', { ag: 'SO-VHTTDL', f: 'month', p: 'lower' });
add('XUATBAN', 'Số xuất bản phẩm được cấp phép xuất bản', 'Publications licensed', 'xuất bản phẩm', { ag: 'SO-VHTTDL', f: 'quarter' });
add('SMS_DAN', 'Số tin nhắn thông báo gửi người dân qua ứng dụng và tổng đài', 'Notification messages sent to citizens', 'nghìn tin nhắn', { f: 'month', s: 'telemetry' });

/* ---- Chuyển đổi số --------------------------------------------------------------------------------------- */
domain('CDS', { ag: 'SO-KHCN', s: 'entered', f: 'quarter' });
add('GTTT_KTS', 'Giá trị tăng thêm của kinh tế số', 'Value added of the digital economy', 'tỷ đồng', { f: 'year', s: 'imported' });
add('TTR_KTS', 'Tỷ trọng kinh tế số trong GRDP', 'Share of the digital economy in GRDP', '%', { x: '100 * CDS.GTTT_KTS / KTTH.GRDP_HH', f: 'year', t: 20, th: 'amber=17;red=14' });
add('DN_CNS', 'Số doanh nghiệp công nghệ số', 'Digital technology enterprises', 'doanh nghiệp', { f: 'year', stock: true });
add('TL_DNNVV_NTS', 'Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số', 'Small and medium enterprises using digital platforms', '%', { f: 'year', t: 70 });
add('WEB_TMDT', 'Số website thương mại điện tử được thông báo, đăng ký', 'E-commerce websites notified or registered', 'website', { f: 'year', stock: true });
add('BL_TMDT', 'Doanh thu bán lẻ qua thương mại điện tử', 'Retail sales through e-commerce', 'tỷ đồng', { s: 'imported' });
add('TL_KTM', 'Tỷ lệ giao dịch thanh toán không dùng tiền mặt', 'Share of cashless payment transactions', '%', { t: 80, s: 'imported' });
add('TL_TK_NH', 'Tỷ lệ người từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc tổ chức được phép', 'Adults with a bank or payment account', '%', { f: 'year', t: 90, stock: true });
add('TO_CNS', 'Số tổ công nghệ số cộng đồng', 'Community digital technology teams', 'tổ', { f: 'year', stock: true });
add('TV_TO_CNS', 'Số thành viên tổ công nghệ số cộng đồng', 'Members of community digital technology teams', 'người', { f: 'year', stock: true });
add('KNS', 'Số lượt người dân được tập huấn kỹ năng số cơ bản', 'People trained in basic digital skills', 'lượt người', { t: 50000 });
add('HSCV_TINH', 'Tỷ lệ hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng', 'Provincial work files processed online', '%', { t: 95, s: 'api' });
add('HSCV_XA', 'Tỷ lệ hồ sơ công việc cấp xã được xử lý trên môi trường mạng', 'Commune work files processed online', '%', { t: 90, s: 'api' });
add('TL_VB_KYSO', 'Tỷ lệ văn bản đi được ký số', 'Outgoing documents digitally signed', '%', { t: 100, th: 'amber=98;red=95', s: 'api' });
add('VB_LIENTHONG', 'Số văn bản điện tử gửi, nhận qua Trục liên thông văn bản', 'Electronic documents exchanged through the document exchange hub', 'văn bản', { f: 'month', s: 'api' });
add('TL_CKS_CB', 'Tỷ lệ cán bộ, công chức, viên chức được cấp chữ ký số', 'Public staff holding a digital signature', '%', { t: 100, stock: true });
add('CKS_DAN', 'Số chứng thư chữ ký số cá nhân được cấp cho người dân', 'Personal digital signature certificates issued to citizens', 'chứng thư', { s: 'imported' });
add('CSDL', 'Số cơ sở dữ liệu chuyên ngành được đưa vào vận hành', 'Sector databases in operation', 'cơ sở dữ liệu', { f: 'year', stock: true });
add('DL_MO', 'Số bộ dữ liệu mở được công bố', 'Open data sets published', 'bộ dữ liệu', { f: 'year', stock: true });
add('LGSP', 'Số giao dịch qua Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)', 'Transactions through the provincial data integration platform (LGSP)', 'nghìn giao dịch', { f: 'month', s: 'telemetry' });
add('LGSP_UD', 'Số hệ thống, ứng dụng kết nối Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh', 'Systems connected to the provincial data integration platform', 'hệ thống', { f: 'year', stock: true });
add('HOP_TT', 'Số cuộc họp được tổ chức trực tuyến', 'Meetings held online', 'cuộc họp', { f: 'month' });
add('CAMERA_IOC', 'Số camera giám sát được kết nối về Trung tâm giám sát, điều hành thông minh', 'Cameras connected to the intelligent operations centre', 'camera', { f: 'year', stock: true });
add('HT_IOC', 'Số hệ thống thông tin được kết nối với Trung tâm giám sát, điều hành thông minh', 'Information systems connected to the intelligent operations centre', 'hệ thống', { f: 'year', stock: true });
add('TK_APP', 'Số tài khoản người dùng ứng dụng công dân số của tỉnh', 'User accounts of the provincial citizen app', 'tài khoản', { f: 'year', s: 'api', stock: true });
add('DTI', 'Chỉ số chuyển đổi số cấp tỉnh (DTI)', 'Provincial digital transformation index (DTI)', 'điểm', { f: 'year', a: 'last', t: 0.7 });
add('DTI_HANG', 'Xếp hạng Chỉ số chuyển đổi số cấp tỉnh (DTI)', 'Rank in the provincial digital transformation index (DTI)', 'hạng', { f: 'year', a: 'last', p: 'lower', t: 10, th: 'amber=20;red=40' });
add('TL_UPTIME', 'Tỷ lệ thời gian hoạt động liên tục của Hệ thống thông tin giải quyết thủ tục hành chính', 'Availability of the administrative procedure information system', '%', { f: 'day', s: 'telemetry', t: 99.5, th: 'amber=99;red=97', n: 'số phút hệ thống hoạt động', dn: 'số phút trong kỳ' });
add('TL_DC_DL', 'Tỷ lệ dung lượng lưu trữ của Trung tâm dữ liệu tỉnh đã sử dụng', 'Storage capacity in use at the provincial data centre', '%', { f: 'month', s: 'telemetry', p: 'lower', t: 70, th: 'amber=80;red=90', stock: true });
add('IOT', 'Số thiết bị cảm biến (IoT) truyền dữ liệu về nền tảng đô thị thông minh', 'IoT sensors reporting to the smart city platform', 'thiết bị', { f: 'year', s: 'telemetry', stock: true });
add('CHI_CNTT', 'Kinh phí đầu tư cho ứng dụng công nghệ thông tin, chuyển đổi số', 'Spending on IT applications and digital transformation', 'tỷ đồng', { f: 'year' });
add('NL_CNS', 'Số kỹ sư, chuyên gia công nghệ số trong cơ quan nhà nước', 'Digital technology specialists in public agencies', 'người', { f: 'year', stock: true });

/* ---- Cải cách hành chính – dịch vụ công -------------------------------------------------------------------- */
domain('CCHC', { ag: 'VP-UBND', s: 'api', f: 'month' });
add('HS_TIEPNHAN', 'Số hồ sơ thủ tục hành chính tiếp nhận', 'Administrative procedure files received', 'hồ sơ', {
    d: 'Tổng số hồ sơ thủ tục hành chính được tiếp nhận trong kỳ qua mọi hình thức (trực tiếp, trực tuyến, bưu chính công ích), theo Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.',
});
add('HS_TRUCTUYEN', 'Số hồ sơ thủ tục hành chính tiếp nhận trực tuyến', 'Administrative procedure files received online', 'hồ sơ');
add('HS_TRUCTIEP', 'Số hồ sơ thủ tục hành chính tiếp nhận trực tiếp', 'Administrative procedure files received in person', 'hồ sơ');
add('HS_BUUCHINH', 'Số hồ sơ thủ tục hành chính tiếp nhận qua dịch vụ bưu chính công ích', 'Administrative procedure files received by public postal service', 'hồ sơ');
add('HS_GIAIQUYET', 'Số hồ sơ thủ tục hành chính đã giải quyết', 'Administrative procedure files settled', 'hồ sơ');
add('HS_DUNGHAN', 'Số hồ sơ thủ tục hành chính giải quyết đúng hạn', 'Administrative procedure files settled on time', 'hồ sơ');
add('HS_QUAHAN', 'Số hồ sơ thủ tục hành chính giải quyết quá hạn', 'Administrative procedure files settled late', 'hồ sơ', { p: 'lower' });
add('HS_BOSUNG', 'Số hồ sơ thủ tục hành chính bị trả lại, yêu cầu bổ sung', 'Files returned or sent back for completion', 'hồ sơ', { p: 'lower' });
add('HS_XINLOI', 'Số văn bản xin lỗi người dân, doanh nghiệp do giải quyết hồ sơ quá hạn', 'Letters of apology for late files', 'văn bản', { p: 'lower' });
add('TL_TRUCTUYEN', 'Tỷ lệ hồ sơ thủ tục hành chính tiếp nhận trực tuyến', 'Share of administrative procedure files received online', '%', { x: '100 * CCHC.HS_TRUCTUYEN / CCHC.HS_TIEPNHAN', t: 60 });
add('TL_DUNGHAN', 'Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn', 'Share of administrative procedure files settled on time', '%', { x: '100 * CCHC.HS_DUNGHAN / CCHC.HS_GIAIQUYET', t: 98, th: 'amber=95;red=90' });
add('TL_HS_TOANTRINH', 'Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình', 'Share of administrative procedure files handled fully online', '%', {
    t: 30, n: 'số hồ sơ được tiếp nhận, xử lý và trả kết quả hoàn toàn trên môi trường mạng', dn: 'tổng số hồ sơ thủ tục hành chính tiếp nhận',
    d: 'Tỷ lệ phần trăm giữa số hồ sơ thủ tục hành chính được tiếp nhận, giải quyết và trả kết quả hoàn toàn trực tuyến (toàn trình) và tổng số hồ sơ tiếp nhận trong kỳ. Mục tiêu của Đồng Nai: trên 30 %. Cấp trên và kỳ dài hơn tính bằng tổng tử số chia tổng mẫu số, không lấy bình quân các tỷ lệ.',
});
add('TL_DVCTT_NDDN', 'Tỷ lệ người dân và doanh nghiệp sử dụng dịch vụ công trực tuyến', 'Share of citizens and businesses using online public services', '%', {
    f: 'quarter', t: 40,
    d: 'Tỷ lệ phần trăm giữa số người dân (từ 15 tuổi trở lên) và doanh nghiệp đã nộp ít nhất một hồ sơ trực tuyến trên Cổng Dịch vụ công và tổng số người dân từ 15 tuổi trở lên và doanh nghiệp đang hoạt động trên địa bàn. Mục tiêu của Đồng Nai: trên 40 %. Cấp trên và kỳ dài hơn tính bằng tổng tử số chia tổng mẫu số, không lấy bình quân các tỷ lệ.',
});
add('TL_TTHC_TT', 'Tỷ lệ thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình', 'Eligible procedures offered fully online', '%', { f: 'quarter', s: 'entered', t: 80, stock: true });
add('TL_TTHC_MP', 'Tỷ lệ thủ tục hành chính được cung cấp dịch vụ công trực tuyến một phần', 'Procedures offered partly online', '%', { f: 'quarter', s: 'entered', stock: true });
add('TTHC', 'Số thủ tục hành chính thuộc thẩm quyền giải quyết của các cấp chính quyền địa phương', 'Administrative procedures handled by local government', 'thủ tục', { f: 'year', s: 'entered', stock: true });
add('TTHC_CATGIAM', 'Số thủ tục hành chính được cắt giảm, đơn giản hóa', 'Administrative procedures cut or simplified', 'thủ tục', { f: 'year', s: 'entered' });
add('TL_SOHOA_HS', 'Tỷ lệ hồ sơ thủ tục hành chính được số hóa', 'Administrative procedure files digitised', '%', { t: 100, th: 'amber=95;red=85' });
add('TL_SOHOA_KQ', 'Tỷ lệ kết quả giải quyết thủ tục hành chính được số hóa', 'Procedure results digitised', '%', { t: 100, th: 'amber=95;red=85' });
add('TL_TAISUDUNG', 'Tỷ lệ khai thác, tái sử dụng thông tin, dữ liệu số hóa', 'Reuse of digitised data in new files', '%', { t: 50 });
add('TL_TT_TRUCTUYEN', 'Tỷ lệ hồ sơ có thanh toán trực tuyến phí, lệ phí', 'Files with fees paid online', '%', { t: 50 });
add('TL_DONGBO', 'Tỷ lệ hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia', 'Files synchronised with the National Public Service Portal', '%', { t: 100, th: 'amber=98;red=95' });
add('CS_766', 'Chỉ số phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công', 'Index of service to citizens and businesses in administrative procedures', 'điểm', { a: 'mean', t: 90, th: 'amber=80;red=70' });
add('TL_HAILONG', 'Tỷ lệ người dân, doanh nghiệp hài lòng về việc giải quyết thủ tục hành chính', 'Citizens and businesses satisfied with administrative procedures', '%', { t: 95 });
add('SIPAS', 'Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)', 'Satisfaction index of public administrative services (SIPAS)', '%', { a: 'last', f: 'year', ag: 'SO-NV', s: 'entered', t: 85 });
add('PAR', 'Chỉ số cải cách hành chính (PAR INDEX)', 'Public administration reform index (PAR INDEX)', '%', { a: 'last', f: 'year', ag: 'SO-NV', s: 'entered', t: 90 });
add('PAPI', 'Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)', 'Provincial Governance and Public Administration Performance Index (PAPI)', 'điểm', { a: 'last', f: 'year', ag: 'SO-NV', s: 'entered', t: 45 });
add('TG_GQ_BQ', 'Thời gian giải quyết hồ sơ thủ tục hành chính bình quân', 'Average processing time of administrative procedure files', 'ngày', { a: 'wmean', w: 'CCHC.HS_GIAIQUYET', p: 'lower', t: 5, th: 'amber=7;red=10' });
add('TRACUU', 'Số lượt tra cứu hồ sơ trên Cổng Dịch vụ công của tỉnh', 'File status look-ups on the provincial public service portal', 'lượt', { s: 'telemetry' });
add('TONGDAI_DVC', 'Số cuộc gọi đến tổng đài hỗ trợ dịch vụ công', 'Calls to the public service help line', 'cuộc gọi', { f: 'day', s: 'telemetry' });
for (const [k, vi, en, ag] of [
    ['DD', 'đất đai', 'land', 'SO-NNMT'],
    ['HT', 'hộ tịch', 'civil status', 'SO-TP'],
    ['XD', 'xây dựng', 'construction', 'SO-XD'],
    ['DKKD', 'đăng ký kinh doanh', 'business registration', 'SO-TC'],
    ['CT', 'chứng thực', 'certification of copies and signatures', 'SO-TP'],
    ['LLTP', 'lý lịch tư pháp', 'criminal records', 'SO-TP'],
    ['LDVL', 'lao động, việc làm', 'labour and employment', 'SO-NV'],
    ['CUTRU', 'cư trú', 'residence registration', 'CA'],
    ['YT', 'y tế', 'health', 'SO-YT'],
    ['GD', 'giáo dục và đào tạo', 'education and training', 'SO-GDDT'],
]) {
    add(`HS_${k}`, `Số hồ sơ lĩnh vực ${vi} tiếp nhận`, `Files received, ${en}`, 'hồ sơ', { ag });
    add(`HS_${k}_GQ`, `Số hồ sơ lĩnh vực ${vi} đã giải quyết`, `Files settled, ${en}`, 'hồ sơ', { ag });
    add(`HS_${k}_DH`, `Số hồ sơ lĩnh vực ${vi} giải quyết đúng hạn`, `Files settled on time, ${en}`, 'hồ sơ', { ag });
    add(`TL_${k}_DH`, `Tỷ lệ hồ sơ lĩnh vực ${vi} giải quyết đúng hạn`, `Share of files settled on time, ${en}`, '%', { ag, x: `100 * CCHC.HS_${k}_DH / CCHC.HS_${k}_GQ`, t: 98, th: 'amber=95;red=90' });
}
add('VBQPPL', 'Số văn bản quy phạm pháp luật do Hội đồng nhân dân, Ủy ban nhân dân ban hành', 'Legal normative documents issued by the people\'s council and committee', 'văn bản', { ag: 'SO-TP', s: 'entered', f: 'quarter' });
add('VBQPPL_TRAI', 'Số văn bản quy phạm pháp luật trái pháp luật được phát hiện qua kiểm tra', 'Unlawful legal documents found by review', 'văn bản', { ag: 'SO-TP', s: 'entered', f: 'quarter', p: 'lower' });
add('TTR_CUOC', 'Số cuộc thanh tra hành chính đã triển khai', 'Administrative inspections carried out', 'cuộc', { ag: 'TTR', s: 'entered', f: 'quarter' });
add('TTR_SAIPHAM', 'Số tiền sai phạm phát hiện qua thanh tra', 'Irregularities found by inspections', 'tỷ đồng', { ag: 'TTR', s: 'entered', f: 'quarter', p: 'lower' });
add('TTR_KN_THU', 'Số tiền kiến nghị thu hồi về ngân sách nhà nước', 'Sums recommended for recovery to the state budget', 'tỷ đồng', { ag: 'TTR', s: 'entered', f: 'quarter' });
add('TTR_DA_THU', 'Số tiền đã thu hồi về ngân sách nhà nước theo kết luận thanh tra', 'Sums recovered to the state budget after inspections', 'tỷ đồng', { ag: 'TTR', s: 'entered', f: 'quarter' });
add('TL_THUHOI', 'Tỷ lệ thu hồi tiền sai phạm về ngân sách theo kết luận thanh tra', 'Share of recommended sums recovered after inspections', '%', { ag: 'TTR', x: '100 * CCHC.TTR_DA_THU / CCHC.TTR_KN_THU', f: 'year', t: 90 });
add('DON_KNTC', 'Số đơn khiếu nại, tố cáo tiếp nhận', 'Complaints and denunciations received', 'đơn', { ag: 'TTR', s: 'entered', p: 'lower' });
add('DON_KNTC_GQ', 'Số vụ việc khiếu nại, tố cáo thuộc thẩm quyền đã giải quyết', 'Complaints and denunciations within jurisdiction settled', 'vụ việc', { ag: 'TTR', s: 'entered' });
add('TL_KNTC', 'Tỷ lệ giải quyết khiếu nại, tố cáo thuộc thẩm quyền', 'Share of complaints and denunciations within jurisdiction settled', '%', { ag: 'TTR', s: 'entered', f: 'quarter', t: 90 });
add('TIEPDAN', 'Số lượt tiếp công dân', 'Citizens received at reception sessions', 'lượt', { ag: 'TTR', s: 'entered' });

/* ---- Phản ánh hiện trường ---------------------------------------------------------------------------------- */
domain('PAHT', { ag: 'SO-KHCN', s: 'api', f: 'day' });
add('TIEPNHAN', 'Số phản ánh hiện trường tiếp nhận', 'Citizen field reports received', 'phản ánh', {
    d: 'Số phản ánh, kiến nghị của người dân, doanh nghiệp về các vấn đề tại hiện trường (môi trường, trật tự đô thị, giao thông, hạ tầng…) được hệ thống tiếp nhận trong kỳ qua ứng dụng di động, cổng thông tin, tổng đài và mạng xã hội.',
});
add('DAXULY', 'Số phản ánh hiện trường đã xử lý xong', 'Field reports resolved', 'phản ánh');
add('DUNGHAN', 'Số phản ánh hiện trường được xử lý đúng hạn', 'Field reports resolved on time', 'phản ánh');
add('QUAHAN', 'Số phản ánh hiện trường xử lý quá hạn', 'Field reports resolved late', 'phản ánh', { p: 'lower' });
add('TUCHOI', 'Số phản ánh không đủ điều kiện xử lý, bị từ chối', 'Field reports rejected as not actionable', 'phản ánh', { p: 'lower' });
add('TRUNGLAP', 'Số phản ánh trùng lặp được gộp', 'Duplicate field reports merged', 'phản ánh');
add('TL_DUNGHAN', 'Tỷ lệ phản ánh hiện trường được xử lý đúng hạn', 'Share of field reports resolved on time', '%', { x: '100 * PAHT.DUNGHAN / PAHT.DAXULY', f: 'month', t: 95, th: 'amber=90;red=80' });
add('TL_XULY', 'Tỷ lệ phản ánh hiện trường đã được xử lý xong', 'Share of field reports resolved', '%', { x: '100 * PAHT.DAXULY / PAHT.TIEPNHAN', f: 'month', t: 95 });
add('TG_XULY', 'Thời gian xử lý phản ánh hiện trường trung bình', 'Average time to resolve a field report', 'giờ', { a: 'wmean', w: 'PAHT.DAXULY', p: 'lower', t: 72, th: 'amber=96;red=120' });
add('TL_HAILONG', 'Tỷ lệ người phản ánh hài lòng với kết quả xử lý', 'Reporters satisfied with the outcome', '%', { f: 'month', t: 85, n: 'số đánh giá hài lòng', dn: 'số lượt đánh giá' });
add('TONGDAI', 'Số cuộc gọi đến tổng đài tiếp nhận phản ánh 1022', 'Calls to the 1022 report line', 'cuộc gọi', { s: 'telemetry' });
add('QUA_APP', 'Số phản ánh gửi qua ứng dụng di động', 'Field reports sent through the mobile app', 'phản ánh');
add('QUA_WEB', 'Số phản ánh gửi qua cổng thông tin tiếp nhận phản ánh', 'Field reports sent through the web portal', 'phản ánh');
add('QUA_ZALO', 'Số phản ánh gửi qua kênh Zalo', 'Field reports sent through Zalo', 'phản ánh');
add('TAI_APP', 'Số lượt tải ứng dụng phản ánh hiện trường', 'Downloads of the field report app', 'lượt tải', { f: 'month', s: 'telemetry' });
add('PA_DN', 'Số phản ánh, kiến nghị của doanh nghiệp về vướng mắc thủ tục, thực thi chính sách', 'Business reports of procedural or policy obstacles', 'phản ánh', { f: 'month', p: 'lower' });
for (const [k, vi, en] of [
    ['MT', 'môi trường', 'the environment'],
    ['TTDT', 'trật tự đô thị, lấn chiếm lòng lề đường', 'urban order and pavement encroachment'],
    ['GT', 'giao thông, hư hỏng đường sá', 'traffic and damaged roads'],
    ['DDXD', 'đất đai, xây dựng', 'land and building'],
    ['ANTT', 'an ninh, trật tự', 'security and public order'],
    ['DIENNUOC', 'cấp điện, cấp nước', 'power and water supply'],
    ['YT', 'y tế, an toàn thực phẩm', 'health and food safety'],
    ['GD', 'giáo dục', 'education'],
    ['HTDT', 'chiếu sáng, cây xanh đô thị', 'street lighting and urban trees'],
    ['NGAP', 'ngập nước, thoát nước', 'flooding and drainage'],
    ['RAC', 'rác thải, vệ sinh công cộng', 'waste and public cleanliness'],
]) {
    add(`PA_${k}`, `Số phản ánh hiện trường về ${vi}`, `Field reports about ${en}`, 'phản ánh');
}

/* ---- An ninh trật tự ----------------------------------------------------------------------------------------- */
domain('ANTT', { ag: 'CA', s: 'entered', f: 'month' });
const crime = { p: 'lower' };
add('PPHS', 'Số vụ phạm pháp hình sự', 'Criminal offences recorded', 'vụ', crime);
add('PPHS_KP', 'Số vụ phạm pháp hình sự được điều tra, khám phá', 'Criminal offences solved', 'vụ');
add('TL_KP', 'Tỷ lệ điều tra, khám phá các vụ phạm pháp hình sự', 'Clearance rate of criminal offences', '%', { x: '100 * ANTT.PPHS_KP / ANTT.PPHS', t: 85, th: 'amber=80;red=75' });
add('TRONGAN', 'Số vụ trọng án', 'Serious crimes', 'vụ', crime);
add('TL_KP_TRONGAN', 'Tỷ lệ điều tra, khám phá các vụ trọng án', 'Clearance rate of serious crimes', '%', { t: 95, th: 'amber=90;red=85', n: 'số vụ trọng án được khám phá', dn: 'số vụ trọng án xảy ra' });
for (const [k, vi, en] of [
    ['GIETNGUOI', 'Số vụ giết người', 'Murders'],
    ['CUOP', 'Số vụ cướp tài sản', 'Robberies'],
    ['CUOPGIAT', 'Số vụ cướp giật tài sản', 'Snatch thefts'],
    ['TROM', 'Số vụ trộm cắp tài sản', 'Thefts'],
    ['LUADAO', 'Số vụ lừa đảo chiếm đoạt tài sản', 'Frauds to appropriate property'],
    ['COYGTT', 'Số vụ cố ý gây thương tích', 'Intentional assaults causing injury'],
    ['DANHBAC', 'Số vụ đánh bạc, tổ chức đánh bạc bị phát hiện', 'Gambling cases detected'],
    ['TINDUNGDEN', 'Số vụ cho vay lãi nặng (tín dụng đen) bị phát hiện', 'Loan-sharking cases detected'],
    ['BUONLAU', 'Số vụ buôn lậu, gian lận thương mại, hàng giả bị phát hiện', 'Smuggling, trade fraud and counterfeiting cases detected'],
    ['KINHTE', 'Số vụ vi phạm pháp luật về kinh tế bị phát hiện', 'Economic offences detected'],
    ['VPMT', 'Số vụ vi phạm pháp luật về môi trường bị phát hiện', 'Environmental offences detected'],
]) {
    add(k, vi, en, 'vụ', crime);
}
add('TAISAN', 'Giá trị tài sản bị chiếm đoạt', 'Value of property appropriated', 'tỷ đồng', crime);
add('TRUYNA', 'Số đối tượng truy nã bị bắt, vận động đầu thú', 'Wanted persons arrested or surrendered', 'đối tượng');
add('MATUY_VU', 'Số vụ phạm tội về ma túy bị phát hiện', 'Drug offences detected', 'vụ');
add('MATUY_DT', 'Số đối tượng phạm tội về ma túy bị bắt giữ', 'Drug offenders arrested', 'đối tượng');
add('NGHIEN', 'Số người nghiện ma túy có hồ sơ quản lý', 'Registered drug users', 'người', { f: 'year', p: 'lower', stock: true });
add('CHAY', 'Số vụ cháy', 'Fires', 'vụ', { p: 'lower' });
add('CHAY_NGAY', 'Số vụ cháy xảy ra trong ngày', 'Fires in the day', 'vụ', { f: 'day', p: 'lower', s: 'api' });
add('CHAY_CHET', 'Số người chết do cháy, nổ', 'Deaths from fires and explosions', 'người', { p: 'lower', t: 0, th: 'amber=1;red=3' });
add('CHAY_BT', 'Số người bị thương do cháy, nổ', 'Injuries from fires and explosions', 'người', { p: 'lower' });
add('CHAY_THIETHAI', 'Giá trị thiệt hại về tài sản do cháy, nổ', 'Property losses from fires and explosions', 'tỷ đồng', { p: 'lower' });
add('NO', 'Số vụ nổ', 'Explosions', 'vụ', { p: 'lower' });
add('CUUNAN', 'Số vụ cứu nạn, cứu hộ', 'Rescue operations', 'vụ');
add('CUUNAN_NG', 'Số người được cứu trong các vụ cứu nạn, cứu hộ', 'People rescued', 'người');
add('TG_CHUACHAY', 'Thời gian trung bình lực lượng chữa cháy có mặt tại hiện trường', 'Average fire brigade arrival time', 'phút', { a: 'wmean', w: 'ANTT.CHAY', p: 'lower', t: 10, th: 'amber=12;red=20' });
add('CS_PCCC', 'Số cơ sở thuộc diện quản lý về phòng cháy, chữa cháy', 'Premises under fire safety supervision', 'cơ sở', { f: 'year', stock: true });
add('KT_PCCC', 'Số lượt cơ sở được kiểm tra an toàn phòng cháy, chữa cháy', 'Fire safety inspections', 'lượt');
add('GAYROI', 'Số vụ tụ tập đông người gây rối trật tự công cộng', 'Public disorder gatherings', 'vụ', { p: 'lower' });
add('KHIEUKIEN', 'Số vụ khiếu kiện đông người', 'Mass petitions and protests', 'vụ', { p: 'lower' });
add('DUOINUOC', 'Số vụ đuối nước', 'Drowning incidents', 'vụ', { p: 'lower' });
add('TINBAO', 'Số tin báo, tố giác về tội phạm và kiến nghị khởi tố tiếp nhận', 'Crime reports and prosecution requests received', 'tin');
add('TINBAO_GQ', 'Số tin báo, tố giác về tội phạm và kiến nghị khởi tố đã giải quyết', 'Crime reports and prosecution requests settled', 'tin');
add('TL_TINBAO', 'Tỷ lệ giải quyết tin báo, tố giác về tội phạm và kiến nghị khởi tố', 'Share of crime reports settled', '%', { x: '100 * ANTT.TINBAO_GQ / ANTT.TINBAO', t: 90 });
add('GOI_113', 'Số cuộc gọi đến tổng đài 113', 'Calls to the 113 police line', 'cuộc gọi', { f: 'day', s: 'telemetry' });
add('GOI_114', 'Số cuộc gọi đến tổng đài 114', 'Calls to the 114 fire and rescue line', 'cuộc gọi', { f: 'day', s: 'telemetry' });
add('CAMERA_AN', 'Số camera an ninh được kết nối hệ thống giám sát', 'Security cameras connected to the monitoring system', 'camera', { f: 'year', stock: true });
add('MOHINH', 'Số mô hình tự quản về an ninh, trật tự ở cơ sở', 'Community self-management models for security', 'mô hình', { f: 'year', stock: true });
add('VUKHI', 'Số vũ khí, vật liệu nổ, công cụ hỗ trợ được thu hồi', 'Weapons, explosives and support tools recovered', 'khẩu, chiếc', { f: 'quarter' });
add('TL_XA_ANTT', 'Tỷ lệ xã, phường đạt tiêu chuẩn "An toàn về an ninh, trật tự"', 'Communes meeting the "safe for security and order" standard', '%', { f: 'year', t: 90, stock: true });

/* ---- An toàn thông tin --------------------------------------------------------------------------------------- */
domain('ATTT', { ag: 'SO-KHCN', s: 'entered', f: 'month' });
add('TANCONG', 'Số cuộc tấn công mạng vào hệ thống thông tin của tỉnh được phát hiện', 'Cyber attacks on provincial systems detected', 'cuộc tấn công', { s: 'telemetry', p: 'lower' });
add('TANCONG_CHAN', 'Số cuộc tấn công mạng được ngăn chặn', 'Cyber attacks blocked', 'cuộc tấn công', { s: 'telemetry' });
add('SUCO', 'Số sự cố an toàn thông tin mạng', 'Information security incidents', 'sự cố', { p: 'lower', t: 0, th: 'amber=1;red=3' });
add('SUCO_24H', 'Số sự cố an toàn thông tin được xử lý trong 24 giờ', 'Incidents handled within 24 hours', 'sự cố');
add('TL_SUCO_24H', 'Tỷ lệ sự cố an toàn thông tin được xử lý trong 24 giờ', 'Share of incidents handled within 24 hours', '%', { x: '100 * ATTT.SUCO_24H / ATTT.SUCO', f: 'quarter', t: 100, th: 'amber=95;red=80' });
add('MADOC', 'Số lượt mã độc được phát hiện trên máy trạm', 'Malware detections on workstations', 'lượt', { s: 'telemetry', p: 'lower' });
add('TL_MAYTRAM', 'Tỷ lệ máy trạm được cài đặt giải pháp phòng, chống mã độc tập trung', 'Workstations with central anti-malware', '%', { t: 100, s: 'telemetry', stock: true });
add('LOHONG', 'Số lỗ hổng bảo mật được phát hiện qua rà quét', 'Vulnerabilities found by scans', 'lỗ hổng', { p: 'lower' });
add('LOHONG_NT', 'Số lỗ hổng bảo mật mức nghiêm trọng được phát hiện', 'Critical vulnerabilities found', 'lỗ hổng', { p: 'lower' });
add('HTTT_CD', 'Số hệ thống thông tin được phê duyệt hồ sơ đề xuất cấp độ', 'Information systems with an approved security level', 'hệ thống', { f: 'year', stock: true });
add('TL_HTTT_CD', 'Tỷ lệ hệ thống thông tin được phê duyệt hồ sơ đề xuất cấp độ an toàn', 'Information systems with an approved security level, share', '%', { f: 'year', t: 100, stock: true });
add('TL_HTTT_KT', 'Tỷ lệ hệ thống thông tin được kiểm tra, đánh giá an toàn thông tin định kỳ', 'Information systems audited periodically', '%', { f: 'year', t: 100 });
add('BOTNET', 'Số địa chỉ IP thuộc mạng botnet được cảnh báo', 'IP addresses reported as part of a botnet', 'địa chỉ IP', { s: 'imported', p: 'lower' });
add('DIENTAP', 'Số cuộc diễn tập thực chiến an toàn thông tin', 'Live information security drills', 'cuộc', { f: 'year' });
add('TAPHUAN', 'Số lượt cán bộ được tập huấn, nâng cao nhận thức về an toàn thông tin', 'Staff trained in information security', 'lượt người', { f: 'quarter' });
add('DEFACE', 'Số trang, cổng thông tin điện tử bị tấn công thay đổi giao diện', 'Websites defaced', 'trang', { p: 'lower', t: 0, th: 'amber=1;red=2' });
add('CANHBAO', 'Số cảnh báo an toàn thông tin được phát hành', 'Security advisories issued', 'cảnh báo');
add('TL_SOC', 'Tỷ lệ thời gian hoạt động của Trung tâm giám sát an toàn thông tin (SOC)', 'Availability of the security operations centre (SOC)', '%', { f: 'day', s: 'telemetry', t: 99.9, th: 'amber=99.5;red=99' });
add('LUADAO_MANG', 'Số vụ lừa đảo chiếm đoạt tài sản qua không gian mạng được tiếp nhận', 'Online fraud reports received', 'vụ', { ag: 'CA', p: 'lower' });
add('LUADAO_MANG_LR', 'Số vụ lừa đảo qua không gian mạng được điều tra, làm rõ', 'Online fraud cases cleared', 'vụ', { ag: 'CA' });
add('TIEN_MANG', 'Số tiền bị chiếm đoạt qua không gian mạng', 'Money stolen through online fraud', 'tỷ đồng', { ag: 'CA', p: 'lower' });
add('TK_XAUDOC', 'Số tài khoản mạng xã hội đăng tải thông tin xấu, độc bị xử lý', 'Social media accounts spreading harmful content handled', 'tài khoản', { ag: 'CA' });

/* ---- Phòng chống thiên tai -------------------------------------------------------------------------------------- */
domain('PCTT', { ag: 'SO-NNMT', s: 'entered', f: 'month' });
const tel = { f: 'day', s: 'telemetry' };
add('MUA_MAX', 'Lượng mưa ngày lớn nhất tại các trạm đo mưa', 'Highest daily rainfall at rain gauges', 'mm', { ...tel, a: 'max', p: 'lower', th: 'amber=50;red=100' });
add('MUA_TB', 'Lượng mưa trung bình ngày tại các trạm đo mưa', 'Mean daily rainfall at rain gauges', 'mm', { ...tel, a: 'mean' });
add('MN_BIENHOA', 'Mực nước sông Đồng Nai tại trạm thủy văn Biên Hòa', 'Đồng Nai river level at the Biên Hòa gauge', 'm', { ...tel, a: 'max', p: 'lower', th: 'amber=1.6;red=2.0' });
add('MN_TALAI', 'Mực nước sông Đồng Nai tại trạm thủy văn Tà Lài', 'Đồng Nai river level at the Tà Lài gauge', 'm', { ...tel, a: 'max', p: 'lower', th: 'amber=112;red=113.5' });
add('MN_PHUHIEP', 'Mực nước sông La Ngà tại trạm thủy văn Phú Hiệp', 'La Ngà river level at the Phú Hiệp gauge', 'm', { ...tel, a: 'max', p: 'lower', th: 'amber=103;red=105' });
add('MN_PHUOCHOA', 'Mực nước sông Bé tại trạm thủy văn Phước Hòa', 'Bé river level at the Phước Hòa gauge', 'm', { ...tel, a: 'max', p: 'lower', th: 'amber=40;red=42' });
add('MN_TRIAN', 'Mực nước hồ Trị An', 'Trị An reservoir level', 'm', { ...tel, a: 'last' });
add('MN_TRIAN_MIN', 'Mực nước thấp nhất hồ Trị An', 'Lowest level of the Trị An reservoir', 'm', { ...tel, a: 'min', th: 'amber=55;red=51' });
add('XA_TRIAN', 'Lưu lượng xả qua tràn hồ Trị An', 'Spillway discharge of the Trị An reservoir', 'm³/s', { ...tel, a: 'max', p: 'lower', th: 'amber=1000;red=2000' });
add('MAN_LONGDAI', 'Độ mặn lớn nhất trên sông Đồng Nai tại trạm Long Đại', 'Highest salinity of the Đồng Nai river at Long Đại', '‰', { ...tel, a: 'max', p: 'lower', th: 'amber=1;red=4' });
add('CHET', 'Số người chết, mất tích do thiên tai', 'People dead or missing in natural disasters', 'người', { p: 'lower', t: 0, th: 'amber=1;red=3' });
add('BITHUONG', 'Số người bị thương do thiên tai', 'People injured in natural disasters', 'người', { p: 'lower' });
add('NHA_SAP', 'Số nhà bị sập, đổ, cuốn trôi do thiên tai', 'Houses collapsed or swept away by natural disasters', 'căn', { p: 'lower' });
add('NHA_HH', 'Số nhà bị hư hại, tốc mái do thiên tai', 'Houses damaged or unroofed by natural disasters', 'căn', { p: 'lower' });
add('CAYTRONG', 'Diện tích cây trồng bị thiệt hại do thiên tai', 'Crop area damaged by natural disasters', 'ha', { p: 'lower' });
add('THIETHAI', 'Tổng giá trị thiệt hại do thiên tai', 'Total losses from natural disasters', 'tỷ đồng', { p: 'lower' });
add('SATLO', 'Số vụ sạt lở bờ sông, sạt lở đất', 'Riverbank erosion and landslide events', 'vụ', { p: 'lower' });
add('CD_SATLO', 'Chiều dài bờ sông bị sạt lở', 'Length of riverbank eroded', 'm', { p: 'lower' });
add('DIEM_SATLO', 'Số điểm có nguy cơ sạt lở cao', 'Sites at high risk of erosion or landslide', 'điểm', { f: 'year', p: 'lower', stock: true });
add('LOC', 'Số vụ dông lốc, mưa đá', 'Thunderstorm, whirlwind and hail events', 'vụ', { p: 'lower' });
add('SOTAN', 'Số hộ phải sơ tán do thiên tai', 'Households evacuated because of natural disasters', 'hộ', { p: 'lower' });
add('TAPHUAN', 'Số lượt người được tập huấn về phòng, chống thiên tai', 'People trained in disaster prevention', 'lượt người', { f: 'year' });
add('DIENTAP', 'Số cuộc diễn tập phòng, chống thiên tai và tìm kiếm cứu nạn cấp xã', 'Commune disaster prevention and rescue drills', 'cuộc', { f: 'year' });
add('TL_PHUONGAN', 'Tỷ lệ xã có phương án ứng phó thiên tai theo cấp độ rủi ro được phê duyệt', 'Communes with an approved disaster response plan', '%', { f: 'year', t: 100, stock: true });
add('TRAM_MUA', 'Số trạm đo mưa tự động', 'Automatic rain gauges', 'trạm', { f: 'year', stock: true });
add('KP_KHACPHUC', 'Kinh phí khắc phục hậu quả thiên tai', 'Funds spent on disaster recovery', 'tỷ đồng', { f: 'quarter' });
add('QUY_THU', 'Số thu Quỹ phòng, chống thiên tai', 'Contributions collected by the disaster prevention fund', 'tỷ đồng', { f: 'quarter' });
add('QUY_KH', 'Kế hoạch thu Quỹ phòng, chống thiên tai', 'Disaster prevention fund collection plan', 'tỷ đồng', { f: 'year' });
add('TL_QUY', 'Tỷ lệ thu Quỹ phòng, chống thiên tai so với kế hoạch', 'Disaster prevention fund collected against the plan', '%', { x: '100 * PCTT.QUY_THU / PCTT.QUY_KH', f: 'year', t: 100 });
add('CB_CHAYRUNG', 'Số ngày có cảnh báo cháy rừng cấp IV trở lên', 'Days with a forest fire warning of level IV or higher', 'ngày', { f: 'month', p: 'lower', a: 'max' });

/* ---- Dân cư ------------------------------------------------------------------------------------------------------ */
domain('DC', { ag: 'CA', s: 'entered', f: 'year' });
add('DANSO_TB', 'Dân số trung bình', 'Average population', 'người', {
    ag: 'SO-YT', s: 'imported', d: 'Số dân bình quân của năm trên địa bàn (người), dùng làm mẫu số cho các chỉ tiêu tính trên đầu người. Cấp trên là tổng số của các đơn vị cấp dưới.',
});
add('DANSO_TT', 'Dân số trung bình khu vực thành thị', 'Average urban population', 'người', { ag: 'SO-YT', s: 'imported' });
add('DANSO_NT', 'Dân số trung bình khu vực nông thôn', 'Average rural population', 'người', { ag: 'SO-YT', s: 'imported' });
add('DANSO_NAM', 'Dân số trung bình nam', 'Average male population', 'người', { ag: 'SO-YT', s: 'imported' });
add('DANSO_NU', 'Dân số trung bình nữ', 'Average female population', 'người', { ag: 'SO-YT', s: 'imported' });
add('DANSO_15', 'Dân số từ 15 tuổi trở lên', 'Population aged 15 and over', 'người', { ag: 'SO-YT', s: 'imported', stock: true });
add('MATDO', 'Mật độ dân số', 'Population density', 'người/km²', { ag: 'SO-YT', x: '100 * DC.DANSO_TB / TNDD.DT_TUNHIEN', a: 'ratio', sc: 100 });
add('TSSTHO', 'Tỷ suất sinh thô', 'Crude birth rate', '‰', { ag: 'SO-YT', a: 'ratio', sc: 1000, n: 'số trẻ sinh sống trong năm', dn: 'dân số trung bình' });
add('TSCTHO', 'Tỷ suất chết thô', 'Crude death rate', '‰', { ag: 'SO-YT', a: 'ratio', sc: 1000, p: 'lower', n: 'số người chết trong năm', dn: 'dân số trung bình' });
add('TL_TANGTN', 'Tỷ lệ tăng dân số tự nhiên', 'Rate of natural population increase', '‰', { ag: 'SO-YT', a: 'ratio', sc: 1000 });
add('TFR', 'Tổng tỷ suất sinh', 'Total fertility rate', 'con/phụ nữ', { ag: 'SO-YT', s: 'imported', a: 'last', t: 2.1, th: 'amber=1.9;red=1.7' });
add('SRB', 'Tỷ số giới tính khi sinh', 'Sex ratio at birth', 'bé trai/100 bé gái', { ag: 'SO-YT', a: 'ratio', sc: 100, p: 'lower', t: 109, th: 'amber=110;red=112', n: 'số bé trai sinh ra', dn: 'số bé gái sinh ra' });
add('TUOITHO', 'Tuổi thọ trung bình tính từ lúc sinh', 'Life expectancy at birth', 'năm', { ag: 'SO-YT', s: 'imported', a: 'last', t: 76 });
add('SINH', 'Số trẻ em sinh ra trong năm', 'Births in the year', 'trẻ', { ag: 'SO-YT' });
add('NHAPCU', 'Số người nhập cư', 'In-migrants', 'người', { s: 'imported' });
add('XUATCU', 'Số người xuất cư', 'Out-migrants', 'người', { s: 'imported' });
add('TSDC_THUAN', 'Tỷ suất di cư thuần', 'Net migration rate', '‰', { x: '1000 * (DC.NHAPCU - DC.XUATCU) / DC.DANSO_TB', a: 'ratio', sc: 1000 });
add('SO_HO', 'Số hộ dân cư', 'Households', 'hộ', { stock: true });
add('QUYMO_HO', 'Quy mô hộ bình quân', 'Average household size', 'người/hộ', { x: 'DC.DANSO_TB / DC.SO_HO', a: 'ratio', sc: 1 });
add('TL_60', 'Tỷ lệ dân số từ 60 tuổi trở lên', 'Share of the population aged 60 and over', '%', { ag: 'SO-YT', s: 'imported', p: 'lower', stock: true });
add('CCCD', 'Số thẻ căn cước được cấp', 'Identity cards issued', 'thẻ', { f: 'month', s: 'api' });
add('VNEID_2', 'Số tài khoản định danh điện tử mức độ 2 được kích hoạt', 'Level-2 electronic identity accounts activated', 'tài khoản', { f: 'month', s: 'api' });
add('TL_VNEID', 'Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản định danh điện tử mức độ 2', 'Share of people aged 15+ with a level-2 electronic identity', '%', { f: 'quarter', s: 'api', t: 80, stock: true });
add('THUONGTRU', 'Số người đăng ký thường trú mới', 'New permanent residence registrations', 'người', { f: 'month', s: 'api' });
add('TAMTRU', 'Số người đăng ký tạm trú', 'Temporary residence registrations', 'người', { f: 'month', s: 'api' });
add('TAMTRU_NN', 'Số lượt người nước ngoài khai báo tạm trú', 'Temporary residence declarations by foreigners', 'lượt', { f: 'month', s: 'api' });
add('KHAISINH', 'Số trường hợp đăng ký khai sinh', 'Birth registrations', 'trường hợp', { ag: 'SO-TP', f: 'month', s: 'api' });
add('KHAITU', 'Số trường hợp đăng ký khai tử', 'Death registrations', 'trường hợp', { ag: 'SO-TP', f: 'month', s: 'api' });
add('KETHON', 'Số cặp đăng ký kết hôn', 'Marriages registered', 'cặp', { ag: 'SO-TP', f: 'month', s: 'api' });
add('TL_KS_1T', 'Tỷ lệ trẻ em dưới 1 tuổi được đăng ký khai sinh', 'Children under 1 with a birth registration', '%', { ag: 'SO-TP', t: 100, th: 'amber=98;red=95' });
add('DTTS', 'Dân số là người dân tộc thiểu số', 'Ethnic minority population', 'người', { ag: 'SO-DTTG', s: 'imported', stock: true });
add('TL_DTTS_NGHEO', 'Tỷ lệ hộ nghèo là người dân tộc thiểu số', 'Poverty rate of ethnic minority households', '%', { ag: 'SO-DTTG', p: 'lower', t: 2, th: 'amber=3;red=5', stock: true });
add('CS_TONGIAO', 'Số cơ sở tôn giáo được công nhận', 'Recognised religious establishments', 'cơ sở', { ag: 'SO-DTTG', stock: true });

/* ---- Thuế – hải quan ------------------------------------------------------------------------------------------------ */
domain('THQ', { ag: 'SO-TC', s: 'imported', f: 'month' });
for (const [k, vi, en] of [
    ['DNNN_TW', 'Thu từ khu vực doanh nghiệp nhà nước trung ương', 'Revenue from central state-owned enterprises'],
    ['DNNN_DP', 'Thu từ khu vực doanh nghiệp nhà nước địa phương', 'Revenue from local state-owned enterprises'],
    ['FDI', 'Thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài', 'Revenue from foreign-invested enterprises'],
    ['NQD', 'Thu từ khu vực công thương nghiệp ngoài quốc doanh', 'Revenue from the non-state industrial and commercial sector'],
    ['TNCN', 'Thuế thu nhập cá nhân', 'Personal income tax'],
    ['BVMT', 'Thuế bảo vệ môi trường', 'Environmental protection tax'],
    ['TRUOCBA', 'Lệ phí trước bạ', 'Registration fee'],
    ['SDDPNN', 'Thuế sử dụng đất phi nông nghiệp', 'Non-agricultural land use tax'],
    ['PHI', 'Thu phí, lệ phí', 'Fees and charges'],
    ['GTGT', 'Thuế giá trị gia tăng', 'Value added tax'],
    ['TNDN', 'Thuế thu nhập doanh nghiệp', 'Corporate income tax'],
    ['TTDB', 'Thuế tiêu thụ đặc biệt hàng sản xuất trong nước', 'Special consumption tax on domestic goods'],
]) {
    add(`THU_${k}`, vi, en, 'tỷ đồng');
}
add('NOTHUE', 'Tổng số tiền thuế nợ', 'Total tax arrears', 'tỷ đồng', { f: 'quarter', p: 'lower', stock: true });
add('TL_NOTHUE', 'Tỷ lệ nợ thuế so với tổng thu ngân sách nhà nước', 'Tax arrears against total state budget revenue', '%', { x: '100 * THQ.NOTHUE / TCNS.THU_NSNN', f: 'year', p: 'lower', t: 5, th: 'amber=6;red=8' });
add('THU_NO', 'Số tiền thuế nợ thu hồi được', 'Tax arrears recovered', 'tỷ đồng');
add('HOANTHUE', 'Số tiền thuế giá trị gia tăng được hoàn', 'VAT refunded', 'tỷ đồng');
add('HS_HOANTHUE', 'Số hồ sơ hoàn thuế đã giải quyết', 'Tax refund files settled', 'hồ sơ');
add('TL_KEKHAI_DT', 'Tỷ lệ doanh nghiệp kê khai thuế điện tử', 'Enterprises filing tax returns electronically', '%', { t: 100, th: 'amber=99;red=97' });
add('TL_NOP_DT', 'Tỷ lệ doanh nghiệp nộp thuế điện tử', 'Enterprises paying tax electronically', '%', { t: 99, th: 'amber=98;red=95' });
add('HDDT_MTT', 'Số hóa đơn điện tử khởi tạo từ máy tính tiền', 'Electronic invoices issued from cash registers', 'nghìn hóa đơn');
add('HKD_MTT', 'Số hộ, cá nhân kinh doanh sử dụng hóa đơn điện tử khởi tạo từ máy tính tiền', 'Household businesses issuing cash-register e-invoices', 'hộ', { f: 'quarter', stock: true });
add('NNT', 'Số người nộp thuế đang hoạt động', 'Active taxpayers', 'người nộp thuế', { f: 'year', stock: true });
add('TTKT', 'Số cuộc thanh tra, kiểm tra thuế tại trụ sở người nộp thuế', 'Tax audits at taxpayers\' premises', 'cuộc', { f: 'quarter' });
add('TRUYTHU', 'Số tiền thuế truy thu, phạt qua thanh tra, kiểm tra', 'Tax assessed and fined through audits', 'tỷ đồng', { f: 'quarter' });
add('THU_XNK', 'Thu thuế từ hoạt động xuất khẩu, nhập khẩu', 'Revenue from export and import duties', 'tỷ đồng');
add('TK_XK', 'Số tờ khai hải quan xuất khẩu', 'Export customs declarations', 'tờ khai');
add('TK_NK', 'Số tờ khai hải quan nhập khẩu', 'Import customs declarations', 'tờ khai');
add('KN_HQ', 'Kim ngạch xuất khẩu, nhập khẩu làm thủ tục hải quan trên địa bàn', 'Trade value cleared by customs in the area', 'triệu USD');
add('TL_LUONGXANH', 'Tỷ lệ tờ khai hải quan được phân luồng xanh', 'Customs declarations in the green channel', '%', { t: 60 });
add('TL_LUONGDO', 'Tỷ lệ tờ khai hải quan được phân luồng đỏ', 'Customs declarations in the red channel', '%', { p: 'lower', t: 8, th: 'amber=10;red=15' });
add('TG_THONGQUAN', 'Thời gian thông quan hàng hóa nhập khẩu trung bình', 'Average import clearance time', 'giờ', { a: 'wmean', w: 'THQ.TK_NK', p: 'lower', t: 24, th: 'amber=36;red=48' });
add('DN_HQ', 'Số doanh nghiệp làm thủ tục hải quan', 'Enterprises clearing goods through customs', 'doanh nghiệp', { f: 'quarter' });
add('VP_HQ', 'Số vụ vi phạm pháp luật hải quan bị phát hiện', 'Customs violations detected', 'vụ', { p: 'lower' });
add('TRIGIA_VP', 'Trị giá hàng hóa vi phạm pháp luật hải quan', 'Value of goods in customs violations', 'tỷ đồng', { p: 'lower' });

/* ---- Năng lượng – điện nước ----------------------------------------------------------------------------------------- */
domain('NLDN', { ag: 'SO-CT', s: 'imported', f: 'month' });
add('DIEN_TP', 'Điện thương phẩm', 'Electricity sold', 'triệu kWh');
for (const [k, vi, en] of [
    ['CNXD', 'công nghiệp, xây dựng', 'industry and construction'],
    ['DANCU', 'quản lý và tiêu dùng dân cư', 'households and administration'],
    ['TMDV', 'thương mại, dịch vụ', 'trade and services'],
    ['NLTS', 'nông, lâm nghiệp và thủy sản', 'agriculture, forestry and fishing'],
    ['KHAC', 'các hoạt động khác', 'other activities'],
]) {
    add(`DIEN_${k}`, `Điện thương phẩm cho ${vi}`, `Electricity sold to ${en}`, 'triệu kWh');
}
add('DIEN_SX', 'Sản lượng điện sản xuất', 'Electricity generated', 'triệu kWh');
add('DIEN_MTMN', 'Sản lượng điện mặt trời mái nhà', 'Rooftop solar electricity generated', 'triệu kWh', { s: 'telemetry' });
add('CS_MTMN', 'Công suất điện mặt trời mái nhà đã lắp đặt', 'Installed rooftop solar capacity', 'MWp', { f: 'year', stock: true });
add('PMAX', 'Công suất cực đại của hệ thống điện trên địa bàn', 'Peak load of the local power system', 'MW', { f: 'day', s: 'telemetry', a: 'max' });
add('TL_TONTHAT', 'Tỷ lệ tổn thất điện năng', 'Electricity loss rate', '%', { p: 'lower', t: 4, th: 'amber=4.5;red=5.5', n: 'điện năng tổn thất', dn: 'điện năng nhận đầu nguồn' });
add('TL_HO_DIEN', 'Tỷ lệ hộ dân sử dụng điện lưới quốc gia', 'Households connected to the national grid', '%', { f: 'year', t: 100, th: 'amber=99.5;red=99', stock: true });
add('KH_DIEN', 'Số khách hàng sử dụng điện', 'Electricity customers', 'khách hàng', { f: 'year', stock: true });
add('MATDIEN', 'Số lần mất điện ngoài kế hoạch', 'Unplanned power outages', 'lần', { s: 'telemetry', p: 'lower' });
add('SAIDI', 'Thời gian mất điện trung bình của khách hàng (SAIDI)', 'System average interruption duration index (SAIDI)', 'phút', { f: 'year', a: 'wmean', w: 'NLDN.KH_DIEN', p: 'lower', t: 300, th: 'amber=400;red=600' });
add('SAIFI', 'Số lần mất điện trung bình của khách hàng (SAIFI)', 'System average interruption frequency index (SAIFI)', 'lần', { f: 'year', a: 'wmean', w: 'NLDN.KH_DIEN', p: 'lower', t: 3, th: 'amber=4;red=6' });
add('TG_CAPDIEN', 'Thời gian cấp điện trung áp cho khách hàng', 'Time to connect a medium-voltage customer', 'ngày', { a: 'mean', p: 'lower', t: 4, th: 'amber=5;red=7' });
add('DIEN_BQ', 'Điện thương phẩm bình quân đầu người', 'Electricity sold per capita', 'kWh/người', { x: '1000000 * NLDN.DIEN_TP / DC.DANSO_TB', a: 'ratio', sc: 1000000, f: 'year' });
add('TL_TKD', 'Tỷ lệ điện năng tiết kiệm được so với tổng điện năng tiêu thụ', 'Electricity saved against total consumption', '%', { ag: 'SO-CT', s: 'entered', f: 'year', t: 2 });
add('NUOC_SX', 'Sản lượng nước máy sản xuất', 'Tap water produced', 'nghìn m³', { ag: 'SO-XD' });
add('NUOC_TP', 'Sản lượng nước máy thương phẩm', 'Tap water sold', 'nghìn m³', { ag: 'SO-XD' });
add('TL_THATTHOAT', 'Tỷ lệ thất thoát, thất thu nước sạch', 'Non-revenue water', '%', { ag: 'SO-XD', x: '100 * (NLDN.NUOC_SX - NLDN.NUOC_TP) / NLDN.NUOC_SX', p: 'lower', t: 15, th: 'amber=18;red=22' });
add('TL_NUOC_DT', 'Tỷ lệ dân số đô thị được cung cấp nước sạch qua hệ thống cấp nước tập trung', 'Urban population served by piped water', '%', { ag: 'SO-XD', f: 'year', t: 100, th: 'amber=98;red=95', stock: true });
add('TL_NUOC_NT', 'Tỷ lệ hộ gia đình nông thôn sử dụng nước sạch đáp ứng quy chuẩn', 'Rural households using clean water meeting the standard', '%', { ag: 'SO-NNMT', s: 'entered', f: 'year', t: 70, stock: true });
add('TL_NUOC_HVS', 'Tỷ lệ dân số nông thôn sử dụng nước hợp vệ sinh', 'Rural population using hygienic water', '%', { ag: 'SO-NNMT', s: 'entered', f: 'year', t: 100, th: 'amber=99;red=97', stock: true });
add('APLUC_MIN', 'Áp lực nước thấp nhất tại các điểm cuối mạng cấp nước', 'Lowest water pressure at the ends of the supply network', 'bar', { ag: 'SO-XD', f: 'day', s: 'telemetry', a: 'min', th: 'amber=1;red=0.5' });
add('DAUNOI', 'Số đấu nối cấp nước mới', 'New water connections', 'đấu nối', { ag: 'SO-XD' });
add('VO_ONG', 'Số sự cố vỡ ống cấp nước', 'Water main breaks', 'sự cố', { ag: 'SO-XD', s: 'telemetry', p: 'lower' });
add('XANGDAU', 'Lượng xăng dầu tiêu thụ trên địa bàn', 'Petroleum products consumed', 'nghìn m³');
add('LPG', 'Lượng khí dầu mỏ hóa lỏng (LPG) tiêu thụ', 'Liquefied petroleum gas (LPG) consumed', 'tấn');
add('TRAMSAC', 'Số trạm sạc xe điện', 'Electric vehicle charging stations', 'trạm', { ag: 'SO-CT', s: 'entered', f: 'year', stock: true });
add('NANGLUONG_TT', 'Số cơ sở sử dụng năng lượng trọng điểm', 'Designated large energy users', 'cơ sở', { s: 'entered', f: 'year', stock: true });

/* ---- output ------------------------------------------------------------------------------------------------------- */

const COLUMNS = [
    'code', 'domain', 'name_vi', 'name_en', 'definition_vi', 'unit', 'frequency', 'aggregation', 'scale',
    'polarity', 'agency', 'source', 'deadline', 'target', 'thresholds', 'expression', 'weight',
];

// Refuse what the checker would refuse, so a bad edit fails here first.
function validate() {
    const errors = [];
    const byCode = new Map();
    const seen = { name_vi: new Map(), name_en: new Map() };
    for (const r of rows) {
        if (byCode.has(r.code)) errors.push(`duplicate code ${r.code}`);
        byCode.set(r.code, r);
        for (const k of ['name_vi', 'name_en']) {
            if (seen[k].has(r[k])) errors.push(`${r.code}: same ${k} as ${seen[k].get(r[k])}: "${r[k]}"`);
            seen[k].set(r[k], r.code);
        }
    }
    for (const r of rows) {
        for (const c of r.expression.match(/[A-Z][A-Z0-9_]*\.[A-Z0-9_]+/g) ?? [])
            if (!byCode.has(c)) errors.push(`${r.code}: unknown code ${c} in its expression`);
        if (r.weight && !byCode.has(r.weight)) errors.push(`${r.code}: unknown weight ${r.weight}`);
        if ((r.aggregation === 'wmean') !== (r.weight !== '')) errors.push(`${r.code}: weight without wmean or wmean without weight`);
    }
    if (errors.length) throw new Error(`the catalogue has errors:\n  ${errors.join('\n  ')}`);
    return byCode;
}

function csvField(v) {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header, records) {
    const lines = [header.join(',')];
    for (const rec of records) lines.push(header.map((k) => csvField(rec[k])).join(','));
    return `${lines.join('\n')}\n`.normalize('NFC');
}

const byCode = validate();
for (const r of rows) if (!r.definition_vi) r.definition_vi = define(r, byCode);

const files = {
    'domains.csv': csv(['code', 'name_vi', 'name_en'], DOMAINS.map(([code, name_vi, name_en]) => ({ code, name_vi, name_en }))),
    'catalogue.csv': csv(COLUMNS, rows),
};

if (process.argv.includes('--check')) {
    let differ = false;
    for (const [name, text] of Object.entries(files)) {
        const file = path.join(OUT, name);
        if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
            console.error(`${path.relative(ROOT, file)} differs from what scripts/gen-indicators.mjs writes`);
            differ = true;
        }
    }
    process.exit(differ ? 1 : 0);
}
fs.mkdirSync(OUT, { recursive: true });
for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(OUT, name), text);
console.log(`wrote ${DOMAINS.length} domains and ${rows.length} indicators to ${path.relative(ROOT, OUT)}/`);
