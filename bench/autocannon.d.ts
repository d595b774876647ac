// autocannon 8 ships no type declarations (and @types/autocannon is not a dependency).
declare module "autocannon";
