import Decimal from 'decimal.js';

/**
 * decimal.js for money: its default precision of 20 significant digits rounds a sum or difference of
 * amounts that need more (a budget of 100000000000 USD less 0.0000000001 spent has 21), so every
 * amount LLMHub adds, subtracts or multiplies goes through this clone, exact for anything a
 * numeric(24,10) column or a price × a token count can hold.
 */
export const ExactDecimal = Decimal.clone({ precision: 200, rounding: Decimal.ROUND_HALF_UP });
