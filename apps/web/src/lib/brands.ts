import { phoneBrands, type PhoneBrand } from "@cisisk/contract";

/** How the console names each brand (the contract's enum is lowercase). */
export const BRAND_LABEL: Record<PhoneBrand, string> = {
  cisco: "Cisco",
  yealink: "Yealink",
  fanvil: "Fanvil",
  grandstream: "Grandstream",
  snom: "Snom",
  polycom: "Polycom",
};

export const brandLabel = (brand: string) => BRAND_LABEL[brand as PhoneBrand] ?? brand;

/** Select options, every brand the server provisions. */
export const brandOptions = phoneBrands.map((b) => ({ value: b, label: BRAND_LABEL[b] }));
