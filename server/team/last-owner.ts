// The database refuses any change that leaves a workspace without an owner; this says so in words.
import { AppError } from '../errors.ts';
import { isLastOwnerError } from './team.repository.ts';

export async function explainingLastOwner<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (!isLastOwnerError(error)) throw error;
    throw new AppError(
      'CONFLICT',
      'A workspace must keep at least one owner. Make someone else an owner first.',
      { cause: error },
    );
  }
}
