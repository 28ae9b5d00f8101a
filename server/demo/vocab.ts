/** Vocabulary shared by every category: this overlap is what makes the demo non-trivial. */
export const COLOURS = [
  "Black",
  "White",
  "Silver",
  "Space Grey",
  "Graphite",
  "Navy Blue",
  "Midnight",
  "Rose Gold",
  "Red",
  "Sage Green",
  "Beige",
  "Pink",
  "Blue",
  "Charcoal",
  "Matte Black",
  "Cream",
] as const;

export const MARKETING = [
  "NEW",
  "2024 Model",
  "2025 Version",
  "Upgraded",
  "Premium",
  "Best Seller",
  "[Latest Version]",
  "Limited Edition",
  "Gift Idea",
  "Pro",
  "Ultra",
  "Plus",
  "Genuine",
  "Fast Shipping",
  "Lite",
] as const;

export const GENERIC_FEATURES = [
  "Wireless",
  "USB-C",
  "Smart",
  "Portable",
  "Compact",
  "Rechargeable",
  "Bluetooth",
] as const;
/** Appliances get their own filler words; "Rechargeable Toaster" would look fake. */
export const APPLIANCE_FEATURES = [
  "Compact",
  "Smart",
  "Quiet",
  "Stainless Steel",
  "Easy Clean",
  "Energy Efficient",
] as const;

export const PACK_FORMATS = ["{n}-Pack", "({n} Pack)", "Pack of {n}", "{n} Pcs", "x{n}", "{n} Count"] as const;

export const COMBO_JOINERS = [" + ", " & ", " and ", " with ", " / "] as const;
export const MENTIONS = ["for", "with", "compatible with", "works with", "pairs with"] as const;
export const COMBO_SUFFIXES = ["Combo", "Bundle", "Set", "Kit", "2 in 1", ""] as const;

export const GENERIC_BLURBS = [
  "Backed by a 2-year warranty.",
  "Ships in plastic-free packaging.",
  "Includes a USB-C cable.",
  "Compatible with most devices.",
  "Designed in {brand}'s studio.",
  "Customer favourite this season.",
] as const;
