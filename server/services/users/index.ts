export {
  MIN_PASSWORD_LENGTH,
  createUser,
  findUserByEmail,
  generatePassword,
  listUsers,
  resetUserPassword,
  setUserDisabled,
} from "./users";
