import { createRandom, mix, pick } from './random.ts';

export interface Shop {
  readonly shopNo: string;
  readonly shopName: string;
  /** WDT platform id; 1 = 淘宝/天猫, whose buyer fields Qimen withholds. */
  readonly platformId: number;
}
export interface Warehouse {
  readonly warehouseNo: string;
  readonly warehouseName: string;
}
export interface Salesman {
  readonly number: string;
  readonly name: string;
}
export interface Customer {
  /** WDT `nick_name`; also the K3 customer FNumber under the default (as-is) profile. */
  readonly nick: string;
  readonly sellerNumber: string;
}
export interface Material {
  /** WDT `goods_no`; also the K3 material FNumber under the default profile. */
  readonly goodsNo: string;
  readonly specNo: string;
  readonly goodsName: string;
  readonly specName: string;
  readonly barcode: string;
  /** Price in ten-thousandths of a yuan (exact). */
  readonly price: number;
}
export interface Distributor {
  /** WDT `fenxiao_nick`. */
  readonly nick: string;
  /** The K3 sales org a profile table would map it to. */
  readonly orgNumber: string;
}

export interface Catalog {
  readonly shops: readonly Shop[];
  /** Shops on platform 1 (淘宝/天猫); used only when the shape asks for them. */
  readonly taobaoShops: readonly Shop[];
  readonly warehouses: readonly Warehouse[];
  readonly salesmen: readonly Salesman[];
  readonly customers: readonly Customer[];
  readonly materials: readonly Material[];
  readonly distributors: readonly Distributor[];
  /** K3 organisations (stock and sales orgs). */
  readonly orgNumbers: readonly string[];
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
];
const GIVEN = [
  '芳',
  '娜',
  '敏',
  '静',
  '伟',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '桂兰',
];
const PRODUCTS = [
  '纯棉T恤',
  '保温杯',
  '蓝牙耳机',
  '瑜伽垫',
  '双肩包',
  '运动袜',
  '电动牙刷',
  '护手霜',
  '数据线',
  '陶瓷碗',
  '羽绒服',
  '防晒霜',
];
const SPECS = ['红色/M', '蓝色/L', '黑色/XL', '白色/S', '灰色/均码', '500ml', '礼盒装', '标准版'];

/** The fixed base data of a seed: small, shared by the WDT orders and the K3 base data. */
export function createCatalog(seed: number): Catalog {
  const random = createRandom(mix(seed, 0, 0x5eed));
  const salesmen = Array.from({ length: 8 }, (_, i) => ({
    number: `YW${String(i + 1).padStart(3, '0')}`,
    name: `${pick(SURNAMES, random)}${pick(GIVEN, random)}`,
  }));
  const customers = Array.from({ length: 40 }, (_, i) => ({
    // A running number keeps nicks unique; buyers' nicks look like this in WDT.
    nick: `${pick(SURNAMES, random)}${pick(GIVEN, random)}${String(i + 1).padStart(3, '0')}`,
    sellerNumber: salesmen[i % salesmen.length]?.number ?? 'YW001',
  }));
  const materials = Array.from({ length: 200 }, (_, i) => {
    const product = PRODUCTS[i % PRODUCTS.length] ?? '商品';
    const spec = pick(SPECS, random);
    return {
      goodsNo: `1.${String(1 + (i % PRODUCTS.length)).padStart(2, '0')}.${String(i + 1).padStart(4, '0')}`,
      specNo: `SKU${String(i + 1).padStart(5, '0')}`,
      goodsName: product,
      specName: spec,
      barcode: `69${String(1_000_000_000 + i * 7919).padStart(11, '0')}`,
      price: (9 + Math.floor(random() * 490)) * 10000 + pick([0, 5000, 9000, 9900], random),
    };
  });
  return {
    shops: [
      { shopNo: 'jd01', shopName: '京东自营旗舰店', platformId: 3 },
      { shopNo: 'pdd01', shopName: '拼多多品牌店', platformId: 32 },
      { shopNo: 'dy01', shopName: '抖音官方小店', platformId: 69 },
      { shopNo: 'wx01', shopName: '微信小程序商城', platformId: 127 },
      { shopNo: 'md01', shopName: '上海线下门店', platformId: 0 },
    ],
    taobaoShops: [{ shopNo: 'tm01', shopName: '天猫旗舰店', platformId: 1 }],
    warehouses: [
      { warehouseNo: 'WH01', warehouseName: '华东主仓' },
      { warehouseNo: 'WH02', warehouseName: '华南仓' },
      { warehouseNo: 'WH03', warehouseName: '华北仓' },
      { warehouseNo: 'WH04', warehouseName: '西南仓' },
    ],
    salesmen,
    customers,
    materials,
    distributors: [
      { nick: '华南分销商', orgNumber: '101' },
      { nick: '华北分销商', orgNumber: '102' },
    ],
    orgNumbers: ['100', '101', '102'],
  };
}
